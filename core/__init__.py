"""The shared core every stage imports: settings, data models, ids and citations, prompts, the
Swedish text tools and the audit log. It imports nothing from the stages (assistant, index, ingest, api)."""
