"""programme priority groups and quota; funder pseudonym key

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:00:00

Existing programmes get no priority group and no quota (reports say "no quota set" until an
administrator sets them with `passdesk-admin programme edit`); existing funders get their
pseudonym key at their first individual-level export.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority_groups", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("priority_quota", sa.Numeric(precision=5, scale=2), nullable=True)
        )
    op.execute("UPDATE programme SET priority_groups = '[]' WHERE priority_groups IS NULL")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.alter_column("priority_groups", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pseudonym_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.drop_column("pseudonym_key")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_column("priority_quota")
        batch_op.drop_column("priority_groups")
