"""Shared vocabularies, one TOML file each."""
