"""camera reference view (scene_change); alarms keep their finding's code and facts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter tables in place; PostgreSQL gets plain ALTER TABLEs.
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_path", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("reference_taken_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("alarms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarms", schema=None) as batch_op:
        batch_op.drop_column("facts")
        batch_op.drop_column("code")
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_column("reference_taken_at")
        batch_op.drop_column("reference_path")
