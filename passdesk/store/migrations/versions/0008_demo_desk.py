"""a demonstration desk is marked as such

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00

A desk made by `passdesk-admin demo` or the first-run "Open a demonstration" holds invented
people and vouchers: the window shows its logins and marks it DÉMONSTRATION, and every page it
prints says so, so that a demonstration receipt never passes for a real one. Desks created
before this revision are real desks (`demo` false): the column is added with that server
default, which the model keeps (SQLite adds a NOT NULL column only with one, and cannot
rebuild `desk`, which every agent references, while foreign keys are on).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("desk") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("desk") as batch:
        batch.drop_column("demo")
