"""The pages of the main window, one package or module each (main_window.PAGES lists them)."""
