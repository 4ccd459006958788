"""The jobs service's own aggregates (pure).

The posting aggregate it shares with the gateway is `jobtrail.domain.postings`.
"""
