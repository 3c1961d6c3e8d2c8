"""Views of the youth app."""
