"""daily closings: the count of the safe at the end of a day, kept beside its journal event

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:55:49.396951

A new table only: existing databases have no closing yet, so no row needs a default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_closing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("desk_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("differences", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_daily_closing_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["daily_closing.id"],
            name=op.f("fk_daily_closing_corrects_id_daily_closing"),
        ),
        sa.ForeignKeyConstraint(
            ["desk_id"], ["desk.id"], name=op.f("fk_daily_closing_desk_id_desk")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["ledger_event.id"], name=op.f("fk_daily_closing_event_id_ledger_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_closing")),
    )
    with op.batch_alter_table("daily_closing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_daily_closing_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("daily_closing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_closing_day"))

    op.drop_table("daily_closing")
