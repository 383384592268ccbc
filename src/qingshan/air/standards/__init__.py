"""Tables of the standards, as data (no logic). One module per standard and version."""
