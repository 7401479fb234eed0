"""The stock page (page) and its dialogs: receive a lot (receive_lot), void a booklet (void),
print booklets (print_booklets)."""
