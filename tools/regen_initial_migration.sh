#!/bin/sh
# Regenerates the initial migration from the models (only while 0001 is unreleased).
set -e
rm -f passdesk/migrations/versions/0001_*.py /tmp/gen.sqlite
.venv/bin/python - <<'PY'
from alembic import command
from passdesk.migrations import alembic_config
c = alembic_config()
c.set_main_option("sqlalchemy.url", "sqlite:////tmp/gen.sqlite")
command.revision(c, message="initial register", autogenerate=True, rev_id="0001")
PY
.venv/bin/ruff format -q passdesk/migrations/versions/
