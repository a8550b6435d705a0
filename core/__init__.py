"""The shared core every stage imports: settings, data models, ids and citations, prompts and
the Swedish text tools. It imports nothing from the stages (assistant, index, ingest, api)."""
