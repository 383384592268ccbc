"""Pure table computations of the evaluation engine (numpy/pandas over unit × indicator
matrices; loops run over methods, nodes or replications, never over single values)."""
