"""Alembic environment: the URL comes from the project's settings, the metadata from schemas.catalog."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from catalog import endpoints
from catalog.settings import get_settings
from schemas.catalog import Base

config = context.config
url = config.attributes.get("database_url") or endpoints.database_url(get_settings())

engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
