"""lot kinds and operator serial formats

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 06:00:00

Lots get a kind (delivered or print_on_site) and may name the operator serial format printed on
them; vouchers voided or used on their own get a partial index (stock counts read booklets and
correct them with those). Which kind do the lots received before this revision get?

Before it, PassDesk did not tell the two apart: `stock receive` recorded "booklets received",
and `print booklets` printed any booklet in stock as an original. So:

* a lot of which at least one booklet was ever printed as an original by the desk (a print
  record that is not a reprint) becomes `print_on_site`: the desk was printing it itself. Its
  print records keep being honoured: a booklet printed once stays printed (a new print is a
  reprint, marked DUPLICATA), its booklets not printed yet must now be printed before they are
  handed out, as the desk was doing;
* every other lot becomes `delivered`: it was received on paper (the command said so) and the
  desk never printed from it. Printing one of its booklets is from now on a reprint with a
  reason. (A print-on-site range from which the desk had not printed anything yet cannot be
  told apart from a delivered lot; such a lot is rare and prints DUPLICATA until it is
  received again as a new lot.)

Booklets already handed out keep their status whatever their lot becomes: the rules apply to
what happens from now on. The column is added with the server default `delivered` (SQLite adds
a NOT NULL column only with one, and so cannot rebuild `stock_lot`, which booklets reference,
while foreign keys are on); the model declares the same default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passdesk.models.base


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "serial_format",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=10), nullable=False),
        sa.Column("digits", sa.Integer(), nullable=False),
        sa.Column("check_scheme", sa.String(length=20), nullable=False),
        sa.Column("created_at", passdesk.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["agent.id"], name=op.f("fk_serial_format_created_by_agent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_format")),
        sa.UniqueConstraint("name", name=op.f("uq_serial_format_name")),
    )
    # Plain ADD COLUMN (no table rebuild): see the docstring.
    op.add_column(
        "stock_lot",
        sa.Column(
            "kind",
            sa.Enum(
                "delivered", "print_on_site", name="lotkind", native_enum=False, length=20
            ),
            server_default="delivered",
            nullable=False,
        ),
    )
    foreign_key = op.f("fk_stock_lot_serial_format_id_serial_format")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a foreign key only inline, in the column's own ADD COLUMN.
        op.execute(
            "ALTER TABLE stock_lot ADD COLUMN serial_format_id INTEGER "
            f"CONSTRAINT {foreign_key} REFERENCES serial_format (id)"
        )
    else:
        op.add_column("stock_lot", sa.Column("serial_format_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            foreign_key, "stock_lot", "serial_format", ["serial_format_id"], ["id"]
        )
    op.add_column("stock_lot", sa.Column("first_serial", sa.BigInteger(), nullable=True))
    # Stock counts correct booklet counts with the vouchers voided or used on their own.
    apart = sa.text("status IN ('voided', 'used')")
    op.create_index(
        "ix_voucher_status_apart",
        "voucher",
        ["status"],
        unique=False,
        sqlite_where=apart,
        postgresql_where=apart,
    )
    op.execute(
        "UPDATE stock_lot SET kind = 'print_on_site' WHERE id IN ("
        " SELECT booklet.lot_id FROM booklet JOIN print_record"
        " ON print_record.booklet_id = booklet.id WHERE print_record.reprint = false)"
    )


def downgrade() -> None:
    op.drop_index("ix_voucher_status_apart", table_name="voucher")
    with op.batch_alter_table("stock_lot", schema=None) as batch_op:
        batch_op.drop_column("first_serial")
        batch_op.drop_column("serial_format_id")
        batch_op.drop_column("kind")
    op.drop_table("serial_format")
