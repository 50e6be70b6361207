"""Machine-coded event data (POLECAT, ICEWS, GDELT 2.0) read with DuckDB, queried with Ibis, set beside human coding."""
