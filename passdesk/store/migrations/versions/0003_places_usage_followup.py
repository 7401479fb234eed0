"""places directory import, voucher usage, follow-up calls

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 06:00:00

Places gain what the open-data import brings (SIRET, access modes, booking address, the day an
import stopped listing them) and a unique index on their open-data id; people gain their
consent to be called; four tables hold usage imports, each voucher's use, the remembered column
mappings and follow-up calls. Existing rows get the defaults stated below.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("siret", sa.String(length=14), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("access", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("booking_url", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("gone_at", passdesk.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_place_external_id", ["external_id"], unique=True)
    # The defaults were for the rows already there; the models give them from now on.
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.alter_column("siret", server_default=None)
        batch_op.alter_column("access", server_default=None)
        batch_op.alter_column("booking_url", server_default=None)

    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contact_consent", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.alter_column("contact_consent", server_default=None)

    op.create_table(
        "usage_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("imported_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("mapping_name", sa.String(length=60), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("anomalies", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_usage_import_agent_id_agent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_import")),
        sa.UniqueConstraint("file_hash", name=op.f("uq_usage_import_file_hash")),
    )
    op.create_table(
        "usage_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["agent.id"], name=op.f("fk_usage_mapping_created_by_agent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_mapping")),
        sa.UniqueConstraint("name", name=op.f("uq_usage_mapping_name")),
    )
    op.create_table(
        "follow_up_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("called_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_follow_up_call_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_follow_up_call_beneficiary_id_beneficiary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_call")),
    )
    with op.batch_alter_table("follow_up_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_call_beneficiary_id"), ["beneficiary_id"], unique=False
        )
    op.create_table(
        "voucher_use",
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("used_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["usage_import.id"], name=op.f("fk_voucher_use_import_id_usage_import")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_voucher_use_place_id_place")
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["voucher.id"], name=op.f("fk_voucher_use_voucher_id_voucher")
        ),
        sa.PrimaryKeyConstraint("voucher_id", name=op.f("pk_voucher_use")),
    )
    with op.batch_alter_table("voucher_use", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_use_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voucher_use_place_id"), ["place_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voucher_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_use_place_id"))
        batch_op.drop_index(batch_op.f("ix_voucher_use_import_id"))
    op.drop_table("voucher_use")
    with op.batch_alter_table("follow_up_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_call_beneficiary_id"))
    op.drop_table("follow_up_call")
    op.drop_table("usage_mapping")
    op.drop_table("usage_import")
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_column("contact_consent")
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.drop_index("ix_place_external_id")
        batch_op.drop_column("gone_at")
        batch_op.drop_column("booking_url")
        batch_op.drop_column("access")
        batch_op.drop_column("siret")
