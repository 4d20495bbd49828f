"""Measures: what each candidate initiative changes, and what it is worth to each party."""
