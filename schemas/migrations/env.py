"""Alembic environment: migrations are written by hand (triggers and functions autogenerate cannot see).

`catalog migrate` (`catalog.database.migrate`) passes the URL it resolved from the settings; a bare
`alembic upgrade head` reads `DATABASE_URL`. The schema package stays below the domain: it never
imports the settings or the connections.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

config = context.config
url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
if not url:
    raise SystemExit("no database URL: run `catalog migrate`, or set DATABASE_URL")

engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
