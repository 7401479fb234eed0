"""The beneficiaries page (page) and its dialog to edit a person's record (edit_person)."""
