"""Published impact functions (damage curves) as CSV tables; see README.md for sources."""
