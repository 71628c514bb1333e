"""Alembic migrations of the trader's journal (the trader_* and paper_* tables), shipped inside the
package and run by store/migrate.py (`upgrade head`) whenever a journal is opened."""
