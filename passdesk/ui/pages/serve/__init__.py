"""The serve page (page), where the window opens, and its parts: the person's panel
(person_panel) with its handout confirmation (confirmation), the new-person dialog
(new_person) and the receipt preview (receipt)."""
