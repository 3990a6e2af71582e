"""Alembic, driven from code: one tree per service, each with its own version table."""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from services.kit.settings import sqlite_file

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(service: str, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / service))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.set_main_option("version_table", f"alembic_version_{service}")
    cfg.set_main_option(
        "file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(service: str, database_url: str, revision: str = "heads") -> None:
    path = sqlite_file(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, database_url), revision)
    if path is not None:
        # WAL is a property of the file: set once here, with nobody else connected. Left to the services'
        # first connections, the switch (which needs the file to itself) races their readers and fails
        # with "database is locked" whatever the busy timeout.
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.close()


def downgrade(service: str, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, database_url), revision)
