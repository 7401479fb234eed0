"""The Transfers page: booklets given by one desk of a territory to another (issue 13)."""
