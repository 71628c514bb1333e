"""The operator's surface: a web page and JSON API over the journal, and its controls (docs/dashboard.md)."""
