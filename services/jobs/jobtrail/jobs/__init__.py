"""The jobs service: job postings, ingestion, embeddings and match scores."""
