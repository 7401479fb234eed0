"""agents' lockout and account events

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00

Existing agents start with no failure and no lock.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(
            sa.Column("retry_after", passdesk.models.base.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("locked_at", passdesk.models.base.UTCDateTime(), nullable=True))
    op.create_table(
        "agent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("by_agent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=60), nullable=False),
        sa.Column("at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_agent_event_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["by_agent_id"], ["agent.id"], name=op.f("fk_agent_event_by_agent_id_agent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_event")),
    )
    op.create_index(op.f("ix_agent_event_agent_id"), "agent_event", ["agent_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_agent_event_agent_id"), table_name="agent_event")
    op.drop_table("agent_event")
    with op.batch_alter_table("agent") as batch:
        batch.drop_column("locked_at")
        batch.drop_column("retry_after")
        batch.drop_column("failed_logins")
