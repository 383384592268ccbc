"""Surface water (GB 3838-2002, 环办〔2011〕22号) and coastal water (GB 3097-1997): standards, rules,
engine, ingest, service and the water parts of the shells."""
