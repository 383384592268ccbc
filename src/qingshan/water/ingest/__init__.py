"""Readers (parse + validate, never compute) and loaders of water sections and samples."""
