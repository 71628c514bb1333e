"""Historical match tables (ingested by courtside.data.ingest)."""

from courtside.store.db import Base

__all__ = ["Base"]
