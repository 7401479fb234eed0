"""The personal-data page: the notice, the retention purge, the access log."""
