"""Carbon rules as versioned data: ETS allocation rules per vintage, accounting defaults, grid
factors by year and purpose, the footprint factor library, published figures. Every value carries
its provenance mark ([V] verified, [M] from memory, [D] derived, [S] synthetic, [U] user-supplied)
and its source (spec/carbon-ets.md, carbon-accounting.md, carbon-footprint.md)."""
