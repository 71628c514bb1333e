"""The journal's schema is Alembic's: `upgrade head` on every opening of a journal (once per engine
and process), with the revisions shipped in store/migrations. A journal from a version before
Alembic (no journal_alembic_version table) is brought up by revision 0001 without losing a row."""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from courtside.store import migrations

VERSION_TABLE = "journal_alembic_version"
log = logging.getLogger("courtside.store")
_current: weakref.WeakSet[Engine] = weakref.WeakSet()


def alembic_config() -> Config:
    """The journal's Alembic configuration (no alembic.ini: everything is here)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("version_table", VERSION_TABLE)
    return cfg


def head() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the journal's migrations have {len(heads)} heads: {heads}")
    return heads[0]


def revision_of(engine: Engine) -> str | None:
    """The journal's revision (None: never migrated: new, or written before Alembic)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the journal to the newest schema; a no-op when it is there already."""
    if engine in _current:
        return
    before, target = revision_of(engine), head()
    if before != target:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("journal migrated from revision %s to %s", before or "none (pre-Alembic)", target)
    _current.add(engine)
