"""several desks in one database

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-12 06:00:00

A territory's structures share one server database (issue 13): a coordination receives the
lots and transfers ranges of booklets to the desks, and each desk keeps its own agents,
receipt series, closings and reports. What a desk owned already had its desk (agents,
settings, receipt counters, handouts, closings); this revision adds it where the owner was
implied by there being one desk:

- `desk.code` (how the console and the screens name a desk), made from each desk's name, and
  `desk.kind` (`desk`, or `coordination` for at most one);
- `booklet.desk_id`, the desk holding the booklet: every booklet of a database made before
  this revision is held by its one desk (the first, when a copy held more);
- `beneficiary.desk_id`, the desk that registered the person: the desk of the agent who did;
- receipt numbers unique per desk instead of in the whole database (each desk has its series);
- the `transfer` table.

Nothing in the journal changes: its events and their hashes stay as they were.
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _code(name: str, taken: set[str]) -> str:
    """ "Mairie d'Écully" -> "MAIRIE-D-ECU" (as passdesk.services.desks.code_from_name, copied
    here so that this revision keeps doing what it did)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    base = "-".join(re.findall(r"[A-Z0-9]+", folded))[:12].strip("-") or "GUICHET"
    code, n = base, 2
    while code in taken:
        suffix = f"-{n}"
        code, n = base[: 12 - len(suffix)].strip("-") + suffix, n + 1
    taken.add(code)
    return code


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("desk") as batch:
        batch.add_column(sa.Column("code", sa.String(length=12), nullable=True))
        batch.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="desk")
        )
    taken: set[str] = set()
    for desk_id, name in bind.execute(sa.text("SELECT id, name FROM desk ORDER BY id")).all():
        bind.execute(
            sa.text("UPDATE desk SET code = :code WHERE id = :id"),
            {"code": _code(name, taken), "id": desk_id},
        )
    with op.batch_alter_table("desk") as batch:
        batch.alter_column("code", existing_type=sa.String(length=12), nullable=False)
        batch.create_unique_constraint(batch.f("uq_desk_code"), ["code"])
    op.create_index(
        "uq_desk_one_coordination",
        "desk",
        ["kind"],
        unique=True,
        sqlite_where=sa.text("kind = 'coordination'"),
        postgresql_where=sa.text("kind = 'coordination'"),
    )

    with op.batch_alter_table("booklet") as batch:
        batch.add_column(sa.Column("desk_id", sa.Integer(), nullable=True))
    bind.execute(sa.text("UPDATE booklet SET desk_id = (SELECT min(id) FROM desk)"))
    with op.batch_alter_table("booklet") as batch:
        batch.alter_column("desk_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(batch.f("fk_booklet_desk_id_desk"), "desk", ["desk_id"], ["id"])
        batch.drop_index("ix_booklet_programme_status_number")
        batch.create_index(
            "ix_booklet_programme_status_desk_number",
            ["programme_id", "status", "desk_id", "number"],
            unique=False,
        )

    with op.batch_alter_table("beneficiary") as batch:
        batch.add_column(sa.Column("desk_id", sa.Integer(), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE beneficiary SET desk_id = (SELECT agent.desk_id FROM agent"
            " WHERE agent.id = beneficiary.created_by)"
        )
    )
    with op.batch_alter_table("beneficiary") as batch:
        batch.alter_column("desk_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            batch.f("fk_beneficiary_desk_id_desk"), "desk", ["desk_id"], ["id"]
        )
        batch.create_index(batch.f("ix_beneficiary_desk_id"), ["desk_id"], unique=False)

    with op.batch_alter_table("handout") as batch:
        batch.drop_constraint("uq_handout_receipt_number", type_="unique")
        batch.create_unique_constraint(
            batch.f("uq_handout_desk_id"), ["desk_id", "receipt_number"]
        )

    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("from_desk_id", sa.Integer(), nullable=False),
        sa.Column("to_desk_id", sa.Integer(), nullable=False),
        sa.Column("first_booklet", sa.Integer(), nullable=False),
        sa.Column("last_booklet", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("out_event_id", sa.Integer(), nullable=False),
        sa.Column("in_event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"], name=op.f("fk_transfer_agent_id_agent")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_transfer_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["from_desk_id"], ["desk.id"], name=op.f("fk_transfer_from_desk_id_desk")
        ),
        sa.ForeignKeyConstraint(["to_desk_id"], ["desk.id"], name=op.f("fk_transfer_to_desk_id_desk")),
        sa.ForeignKeyConstraint(
            ["out_event_id"], ["ledger_event.id"], name=op.f("fk_transfer_out_event_id_ledger_event")
        ),
        sa.ForeignKeyConstraint(
            ["in_event_id"], ["ledger_event.id"], name=op.f("fk_transfer_in_event_id_ledger_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer")),
    )
    op.create_index(op.f("ix_transfer_from_desk_id"), "transfer", ["from_desk_id"], unique=False)
    op.create_index(op.f("ix_transfer_to_desk_id"), "transfer", ["to_desk_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_transfer_to_desk_id"), table_name="transfer")
    op.drop_index(op.f("ix_transfer_from_desk_id"), table_name="transfer")
    op.drop_table("transfer")
    with op.batch_alter_table("handout") as batch:
        batch.drop_constraint(batch.f("uq_handout_desk_id"), type_="unique")
        batch.create_unique_constraint("uq_handout_receipt_number", ["receipt_number"])
    with op.batch_alter_table("beneficiary") as batch:
        batch.drop_index(batch.f("ix_beneficiary_desk_id"))
        batch.drop_constraint(batch.f("fk_beneficiary_desk_id_desk"), type_="foreignkey")
        batch.drop_column("desk_id")
    with op.batch_alter_table("booklet") as batch:
        batch.drop_index("ix_booklet_programme_status_desk_number")
        batch.create_index(
            "ix_booklet_programme_status_number", ["programme_id", "status", "number"], unique=False
        )
        batch.drop_constraint(batch.f("fk_booklet_desk_id_desk"), type_="foreignkey")
        batch.drop_column("desk_id")
    op.drop_index("uq_desk_one_coordination", table_name="desk")
    with op.batch_alter_table("desk") as batch:
        batch.drop_constraint(batch.f("uq_desk_code"), type_="unique")
        batch.drop_column("kind")
        batch.drop_column("code")
