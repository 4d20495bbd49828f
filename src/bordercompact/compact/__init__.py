"""The compact: a treaty-style agreement drawn from the deal and its funding plan,
checked for consistency, rendered in every party's language, and amendable."""
