"""The desk window (PySide6): main window, pages, shared widgets, background runner."""
