"""Readers of imported official means (validated fully before anything is used)."""

from qingshan.compensation.ingest.means import KINDS, MeansFile, read_means

__all__ = ["read_means", "MeansFile", "KINDS"]
