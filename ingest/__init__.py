"""Ingest stage: files -> cleaned, structured, citable paragraphs."""

from ingest.extract import IngestError
from ingest.parse import parse_file

__all__ = ["IngestError", "parse_file"]
