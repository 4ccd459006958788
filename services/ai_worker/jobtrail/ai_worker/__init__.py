"""The AI worker: tailoring, cover letters, summaries and research prompts."""
