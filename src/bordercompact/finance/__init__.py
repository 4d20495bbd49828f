"""Finance: who pays for the measures, from which sources, in which fiscal years."""
