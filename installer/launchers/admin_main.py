"""The frozen console tool's entry point (`passdesk-admin`), as the console script in a venv."""

from passdesk.cli import main

raise SystemExit(main())
