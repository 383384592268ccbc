"""Tables of the water standards, as data (no logic). One module per standard and version."""
