"""Parsing quality: field-level precision and recall by corpus, layout and format."""
