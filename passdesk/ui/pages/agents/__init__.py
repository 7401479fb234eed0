"""The Agents page (administrators): the desk's accounts, added, disabled, given a role, a new
password or unlocked; and the dialog in which any agent changes their own password."""
