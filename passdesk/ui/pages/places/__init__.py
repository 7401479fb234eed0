"""The places page (page) and its dialog to add or edit a place (edit_place)."""
