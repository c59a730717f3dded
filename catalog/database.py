"""Migrations: `catalog migrate` runs Alembic to head with the project's own database URL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from catalog.settings import PROJECT_ROOT


def migrate(database_url: str, revision: str = "head") -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "schemas" / "migrations"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, revision)
