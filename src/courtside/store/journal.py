"""The trader's journal tables: scans, decisions, orders, fills, settlements."""

from courtside.store.db import Base

__all__ = ["Base"]
