"""Use cases: load an aggregate from its events, decide, store content, append."""
