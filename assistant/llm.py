"""The LLM writer: a deployer's OpenAI-compatible model writes the answer from the numbered
paragraphs retrieval found, and the verification gate (`assistant.verify`) decides, sentence by
sentence, what a reader sees. Off unless PARAGRAF_LLM_BASE_URL is set; the extractive answer is
returned whenever the model fails, times out, abstains wrongly or nothing it wrote holds up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.support import GateSupport, SupportChecker
from assistant.verify import CheckedSentence, split_marked, verify_answer
from core import prompts
from core.citations import make_citation, paragraph_reference
from core.models import Citation
from core.settings import Settings
from index.embedders import Embedder
from index.retrieve import Hit

logger = logging.getLogger(__name__)


@dataclass
class Written:
    """What the writer produced: `answer`/`citations` when at least one sentence passed the gate."""

    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False  # the model said the paragraphs do not answer
    dropped: list[CheckedSentence] = field(default_factory=list)
    error: str = ""  # why the model gave nothing usable (timeout, HTTP error, empty)

    @property
    def usable(self) -> bool:
        return bool(self.citations) or self.abstained


def gate_support(settings: Settings, embedder: Embedder) -> GateSupport:
    """The gate's support check: fitted for `embedder` unless the settings say otherwise."""
    return GateSupport.fitted(embedder, settings.llm_support_weight, settings.llm_support_threshold)


class LLMWriter:
    def __init__(self, settings: Settings, support: SupportChecker) -> None:
        if not settings.llm_base_url:
            raise ValueError("llm_base_url is not set")
        self.settings = settings
        self.support = support
        self._llm: Any = None

    @property
    def llm(self):
        """llama-index's OpenAI-compatible client (imported on first use)."""
        if self._llm is None:
            from llama_index.llms.openai_like import OpenAILike

            s = self.settings
            self._llm = OpenAILike(
                model=s.llm_model or "model", api_base=s.llm_base_url, api_key=s.llm_api_key or "none",
                timeout=s.llm_timeout_s, max_retries=0, is_chat_model=True, context_window=8192,
                max_tokens=s.llm_max_tokens, temperature=0.0,
            )
        return self._llm

    def messages(self, question: str, hits: list[Hit]):
        from llama_index.core.llms import ChatMessage

        numbered = "\n\n".join(
            prompts.LLM_PARAGRAPH.format(n=n, reference=paragraph_reference(h.paragraph, h.document),
                                         text=h.paragraph.text)
            for n, h in enumerate(hits, 1)
        )
        return [
            ChatMessage(role="system", content=prompts.LLM_SYSTEM.format(abstain=prompts.ABSTAIN)),
            ChatMessage(role="user", content=prompts.LLM_USER.format(question=question, paragraphs=numbered)),
        ]

    def write(self, question: str, hits: list[Hit]) -> Written:
        """Ask the model, then keep only the sentences the gate passes."""
        hits = hits[: self.settings.llm_paragraphs]
        if not hits:
            return Written(error="no paragraphs")
        try:
            reply = self.llm.chat(self.messages(question, hits))
            text = (reply.message.content or "").strip()
        except Exception as exc:  # noqa: BLE001 - any failure of the model means: answer extractively
            logger.warning("LLM writer failed: %s: %s", type(exc).__name__, exc)
            return Written(error=f"{type(exc).__name__}: {exc}"[:300])
        return self.check(text, hits)

    def stream(self, question: str, hits: list[Hit]) -> Iterator[tuple[str, Citation | None] | Written]:
        """Stream the model's answer: each sentence that passes the gate as soon as the model has
        finished it, as (sentence with its marker, the citation if new); last, the `Written`."""
        hits = hits[: self.settings.llm_paragraphs]
        if not hits:
            yield Written(error="no paragraphs")
            return
        gate = _Gate(self, hits)
        buffer, done = "", 0
        try:
            for chunk in self.llm.stream_chat(self.messages(question, hits)):
                buffer += chunk.delta or ""
                sentences = split_marked(buffer)
                # The last sentence may still grow, unless it carries its marker and has ended
                # ("… [2]. "): then it goes out now, not when the model starts the next one.
                ended = bool(sentences) and sentences[-1][1] and re.search(r"[.!?]\s+$", buffer)
                complete = sentences if ended else sentences[:-1]
                for text, markers in complete[done:]:
                    if (out := gate.add(text, markers)) is not None:
                        yield out
                done = max(done, len(complete))
        except Exception as exc:  # noqa: BLE001 - what passed stays passed; the rest is dropped
            logger.warning("LLM writer stream failed: %s: %s", type(exc).__name__, exc)
            gate.written.error = f"{type(exc).__name__}: {exc}"[:300]
            yield gate.finish()
            return
        if not buffer.strip():
            yield Written(error="empty answer")
            return
        if _is_abstention(buffer):
            yield Written(abstained=True)
            return
        for text, markers in split_marked(buffer)[done:]:
            if (out := gate.add(text, markers)) is not None:
                yield out
        yield gate.finish()

    def check(self, text: str, hits: list[Hit]) -> Written:
        """The gate over a model's whole answer, and the citations of what passed."""
        if not text:
            return Written(error="empty answer")
        if _is_abstention(text):
            return Written(abstained=True)
        gate = _Gate(self, hits)
        for sentence, markers in split_marked(text):
            gate.add(sentence, markers)
        return gate.finish()


def _is_abstention(text: str) -> bool:
    return " ".join(text.split()).rstrip(".") == prompts.ABSTAIN.rstrip(".")


class _Gate:
    """Sentences checked one at a time, citations numbered in order of first use."""

    def __init__(self, writer: LLMWriter, hits: list[Hit]) -> None:
        self.writer, self.hits = writer, hits
        self.by_id = {h.paragraph.paragraph_id: h for h in hits}
        self.written = Written()
        self.parts: list[str] = []

    def add(self, text: str, markers: list[int]) -> tuple[str, Citation | None] | None:
        """The sentence with its marker (and its citation when new) if it passes, else None."""
        marked = f"{text} " + "".join(f"[{m}]" for m in markers)
        result = verify_answer(marked, [h.paragraph for h in self.hits], self.writer.support)
        self.written.dropped.extend(result.dropped)
        if not result.kept:
            return None
        sentence = result.kept[0]
        hit = self.by_id[sentence.paragraph_id]
        citations = self.written.citations
        known = next((c for c in citations if c.paragraph_id == sentence.paragraph_id and c.quote == sentence.quote), None)
        new = None
        if known is None:
            known = new = make_citation(len(citations) + 1, hit.paragraph, hit.document, sentence.quote, hit.probability)
            citations.append(new)
        part = f"{sentence.text.rstrip()} [{known.marker}]"
        self.parts.append(part)
        return part, new

    def finish(self) -> Written:
        self.written.answer = " ".join(self.parts)
        return self.written
