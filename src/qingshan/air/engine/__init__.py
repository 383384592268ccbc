"""Pure table computations (AQI, HJ 663 statistics, rankings …) expressed as SQL run by DuckDB.

Modules build SQL strings over whole tables; services execute them. No per-value Python loops.
"""
