"""name tokens in byte order on PostgreSQL

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-05 06:00:00

Search as you type walks prefix ranges of `name_token.token` (from "martinez" up to, not
including, "martine{"). Under the database's collation, which on a French server is linguistic
(an ICU fr-FR or a glibc fr_FR.UTF-8 one), "{" sorts before the letters and the range is empty:
`beneficiary find martinez` found nobody. The column is given the "C" collation, in which the
range holds exactly the tokens starting with the word, and its primary-key index is rebuilt in
that order. SQLite compares text byte by byte already: nothing to do there.

The column's statistics are also made finer (a histogram of 10,000 buckets instead of 100):
with 100, a word's range ("christophe", about a thousand entries of the national demo) lay
inside one bucket and was estimated at one row, so the planner checked the other word by
walking its whole range once per entry, 0.3 s for `christophe brun`; with 10,000 it joins the
two ranges in a millisecond. ANALYZE then reads up to 3 million rows of the table.
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE name_token ALTER COLUMN token TYPE VARCHAR(120) COLLATE "C"')
        op.execute("ALTER TABLE name_token ALTER COLUMN token SET STATISTICS 10000")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE name_token ALTER COLUMN token SET STATISTICS -1")
        op.execute('ALTER TABLE name_token ALTER COLUMN token TYPE VARCHAR(120) COLLATE "default"')
