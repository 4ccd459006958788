"""Matching quality: ranking against graded relevance, beside BM25, TF-IDF and the previous matcher."""
