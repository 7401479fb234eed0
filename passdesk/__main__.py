"""`python -m passdesk` opens the desk window."""

from passdesk.app import main

raise SystemExit(main())
