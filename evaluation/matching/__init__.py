"""Matching quality: rankings against graded relevance, beside BM25, TF-IDF and the v1 matcher."""
