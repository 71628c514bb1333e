"""The journal's revisions, oldest first: 0001 the schema before Alembic, 0002 exchange per row."""
