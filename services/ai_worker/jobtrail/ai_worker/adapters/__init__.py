"""Adapters of the ai-worker's ports."""
