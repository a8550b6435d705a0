"""The systems an evaluation compares, behind one shape: Paragraf itself (the API's code path) and a
ten-minute llama-index baseline (default SentenceSplitter chunks, vector-only, same embedder,
"cite the top chunks")."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.service import Paragraf
from core.ids import make_doc_id
from index.embedders import Embedder


@dataclass
class Unit:
    """A retrievable, citable unit: a paragraph (Paragraf) or a chunk (baseline)."""

    unit_id: str
    doc_id: str
    source: str
    text: str


@dataclass
class Cited:
    unit: Unit
    quote: str
    stored_text: str  # the unit's text as stored in the index, to check the quote against


@dataclass
class SystemAnswer:
    response: dict
    ranked: list[Unit]
    cited: list[Cited]
    latency_ms: float

    @property
    def answer(self) -> str:
        return self.response["answer"]

    @property
    def abstained(self) -> bool:
        return bool(self.response["abstained"])


class ParagrafSystem:
    name = "paragraf"

    def __init__(self, app: Paragraf, answerer: str | None = None) -> None:
        self.app = app
        self.answerer = answerer
        # With the LLM writer: answers it wrote, and its sentences the gate kept and dropped.
        self.llm = {"answers": 0, "by_llm": 0, "sentences_kept": 0, "sentences_dropped": 0}

    def llm_summary(self) -> dict:
        """How often the model wrote the answer, and the share of its sentences the gate dropped
        (the unsupported-sentence rate)."""
        s = self.llm
        written = s["sentences_kept"] + s["sentences_dropped"]
        return {**s, "llm_share": round(s["by_llm"] / s["answers"], 3) if s["answers"] else None,
                "unsupported_sentence_rate": round(s["sentences_dropped"] / written, 3) if written else None}

    def ask(self, question: str) -> SystemAnswer:
        t0 = time.perf_counter()
        response, retrieval = self.app.ask_detailed(question, answerer=self.answerer)
        latency = 1000 * (time.perf_counter() - t0)
        self.llm["answers"] += 1
        self.llm["sentences_dropped"] += response.dropped_sentences
        if response.answerer == "llm":
            self.llm["by_llm"] += 1
            self.llm["sentences_kept"] += len(re.findall(r"\[\d+\]", response.answer))
        ranked = [
            Unit(h.paragraph.paragraph_id, h.paragraph.doc_id, h.document.source, h.paragraph.text)
            for h in (retrieval.hits if retrieval else [])
        ]
        cited = []
        for c in response.citations:
            found = self.app.index.paragraph(c.paragraph_id)
            stored = found[0].text if found else ""
            source = found[1].source if found else ""
            cited.append(Cited(Unit(c.paragraph_id, c.doc_id, source, c.text), c.quote, stored))
        return SystemAnswer(response.model_dump(), ranked, cited, latency)


class BaselineSystem:
    """What a user builds in ten minutes with llama-index defaults.

    Documents are read as their raw extracted text (pypdf for PDFs, as SimpleDirectoryReader does),
    split by SentenceSplitter with its defaults, embedded with the same embedder, stored in an
    in-memory Chroma through ChromaVectorStore, and answered by citing the top chunks: the answer
    is the best chunk, the citations are the top three.
    """

    name = "baseline"

    def __init__(self, files: list[Path], embedder: Embedder, top_k: int = 5, cite_k: int = 3) -> None:
        import chromadb
        from llama_index.core import Document
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ingest.extract import IngestError, read_document

        self.embedder = embedder
        self.top_k, self.cite_k = top_k, cite_k
        documents = []
        for path in files:
            try:
                raw = read_document(path)
            except IngestError:
                continue
            documents.append(
                Document(
                    text="\n".join(raw.pages),
                    metadata={"doc_id": make_doc_id(path.stem), "source": path.name},
                )
            )
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        vectors = embedder.embed_passages([n.get_content() for n in nodes])
        for node, vector in zip(nodes, vectors):
            node.embedding = [float(x) for x in vector]
        client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
        name = f"baseline-{int(time.time() * 1000)}"
        collection = client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.store = ChromaVectorStore(chroma_collection=collection)
        self.store.add(nodes)
        self.chunks = len(nodes)

    def ask(self, question: str) -> SystemAnswer:
        from llama_index.core.vector_stores.types import VectorStoreQuery

        t0 = time.perf_counter()
        vector = self.embedder.embed_query(question)
        result = self.store.query(
            VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=self.top_k)
        )
        latency = 1000 * (time.perf_counter() - t0)
        ranked = [
            Unit(n.node_id, n.metadata.get("doc_id", ""), n.metadata.get("source", ""), n.get_content())
            for n in result.nodes or []
        ]
        cited = [Cited(u, u.text, u.text) for u in ranked[: self.cite_k]]
        citations = [
            {"marker": i, "paragraph_id": c.unit.unit_id, "doc_id": c.unit.doc_id, "quote": c.quote,
             "text": c.unit.text}
            for i, c in enumerate(cited, start=1)
        ]
        answer = f"{ranked[0].text} [1]" if ranked else ""
        response = {"question": question, "answer": answer, "abstained": not ranked,
                    "citations": citations, "timings_ms": {"total": round(latency, 2)}}
        return SystemAnswer(response, ranked, cited, latency)
