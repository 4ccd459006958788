"""The gateway: REST API, auth, read-model projections and the audit store."""
