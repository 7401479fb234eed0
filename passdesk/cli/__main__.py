"""`python -m passdesk.cli`: the console tool without its installed script."""

from passdesk.cli import main

raise SystemExit(main())
