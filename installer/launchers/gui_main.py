"""The frozen window's entry point (`passdesk`): what the `passdesk` gui-script does in a venv."""

from passdesk.app import main

raise SystemExit(main())
