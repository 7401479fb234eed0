"""The window's backups: automatic ones (at closing, daily) and the Backups dialog."""
