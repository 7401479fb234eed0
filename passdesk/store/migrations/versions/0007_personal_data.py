"""personal data: notice versions, access log, erased people

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 07:09:19

Existing people get no notice version (they were registered before versions were recorded:
an export says so) and are not erased; the access log starts empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_version")),
        sa.UniqueConstraint("text_hash", name=op.f("uq_notice_version_text_hash")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_access_log_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_access_log_beneficiary_id_beneficiary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_log_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_access_log_beneficiary_id"), ["beneficiary_id"], unique=False
        )

    op.create_table(
        "erased_person",
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("commune", sa.String(length=120), nullable=False),
        sa.Column("target_group", sa.String(length=60), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_erased_person_agent_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_erased_person_beneficiary_id_beneficiary"),
        ),
        sa.PrimaryKeyConstraint("beneficiary_id", name=op.f("pk_erased_person")),
    )
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("notice_shown_at", passdesk.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("consent_notice_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("erased_at", passdesk.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_beneficiary_consent_notice_version_id_notice_version"),
            "notice_version",
            ["consent_notice_version_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_beneficiary_notice_version_id_notice_version"),
            "notice_version",
            ["notice_version_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_beneficiary_notice_version_id_notice_version"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_beneficiary_consent_notice_version_id_notice_version"),
            type_="foreignkey",
        )
        batch_op.drop_column("erased_at")
        batch_op.drop_column("consent_notice_version_id")
        batch_op.drop_column("notice_shown_at")
        batch_op.drop_column("notice_version_id")

    op.drop_table("erased_person")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_log_beneficiary_id"))
        batch_op.drop_index(batch_op.f("ix_access_log_at"))

    op.drop_table("access_log")
    op.drop_table("notice_version")
