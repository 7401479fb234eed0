"""The programmes page and its dialog."""
