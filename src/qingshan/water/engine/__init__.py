"""Pure table computations of the water domain (classes, section and group statistics) as SQL."""
