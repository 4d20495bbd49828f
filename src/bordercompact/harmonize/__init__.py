"""Harmonization: every party's data into one CRS, set of units, currency and vocabulary."""
