"""Lambda entry point: see handler.py."""
