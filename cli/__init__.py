"""The `paragraf` command line: ingest, serve, ask, eval, backup and restore (in Swedish for the user)."""
