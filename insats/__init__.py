"""Insats: case management and follow-up for municipal labour-market measures."""
