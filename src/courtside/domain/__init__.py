"""Immutable domain types; this package imports nothing else from courtside."""
