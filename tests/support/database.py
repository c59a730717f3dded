"""A fresh, migrated database for a test session (the main suite's and the fault suite's own)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, make_url, text


def fresh_database(database_url: str) -> Engine:
    """Drop and create the tests' database, migrate it to head, and return an engine on it."""
    from catalog.database import migrate

    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    migrate(database_url)
    return create_engine(url)
