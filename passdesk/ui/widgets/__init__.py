"""Widgets the pages share: messages and shortcuts (basics), form rows and dialog buttons
(forms), the generated settings form (parameter_form), the one person form (person_form) and
the one table-model pattern (table_models)."""
