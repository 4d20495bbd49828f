"""Shared risk: hazard × exposure × vulnerability → impacts per event, per asset and per party."""
