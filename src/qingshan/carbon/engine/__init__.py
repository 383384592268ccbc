"""Pure table computations of the carbon domain (pandas/numpy, one vectorised pass per table):
allocation, compliance position, accounting, footprint."""
