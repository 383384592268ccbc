"""Readers of evaluation data (validated fully; errors name file, line and field)."""
