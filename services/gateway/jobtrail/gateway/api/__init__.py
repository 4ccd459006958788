"""The REST API: routes translate HTTP to use cases and read models, nothing more."""
