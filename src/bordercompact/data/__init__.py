"""Reference data shipped with bordercompact (vocabularies, later damage functions)."""
