"""Equity: social vulnerability, access to facilities, and who bears and gains."""
