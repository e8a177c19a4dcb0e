"""Alembic environment: migrates the connection handed over by ``Database.migrate``."""

from __future__ import annotations

from alembic import context

from easysight_desktop.control.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through easysight_desktop.control.db.database.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
