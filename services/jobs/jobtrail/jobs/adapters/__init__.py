"""Adapters of the jobs service's ports: embedders, feeds, PostgreSQL."""
