"""The LLM writer: a deployer's OpenAI-compatible model writes the answer from the numbered
paragraphs retrieval found, and the verification gate (`assistant.verify`) decides, sentence by
sentence, what a reader sees. Off unless PARAGRAF_LLM_BASE_URL is set; the extractive answer is
returned whenever the model fails, times out, abstains wrongly or nothing it wrote holds up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from assistant import prompts
from assistant.citations import make_citation, paragraph_reference
from assistant.models import Citation
from assistant.settings import Settings
from assistant.support import LexicalSupport
from assistant.verify import CheckedSentence, verify_answer
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


class LLMWriter:
    def __init__(self, settings: Settings) -> None:
        if not settings.llm_base_url:
            raise ValueError("llm_base_url is not set")
        self.settings = settings
        self.support = LexicalSupport()
        self.support.threshold = settings.llm_support_threshold
        self._llm = None

    @property
    def llm(self):
        """llama-index's OpenAI-compatible client (imported on first use)."""
        if self._llm is None:
            from llama_index.llms.openai_like import OpenAILike

            s = self.settings
            self._llm = OpenAILike(
                model=s.llm_model or "model", api_base=s.llm_base_url, api_key=s.llm_api_key or "none",
                timeout=s.llm_timeout_s, max_retries=0, is_chat_model=True, context_window=8192,
                max_tokens=600, temperature=0.0,
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

    def check(self, text: str, hits: list[Hit]) -> Written:
        """The gate over a model's answer, and the citations of what passed."""
        if not text:
            return Written(error="empty answer")
        if " ".join(text.split()).rstrip(".") == prompts.ABSTAIN.rstrip("."):
            return Written(abstained=True)
        gate = verify_answer(text, [h.paragraph for h in hits], self.support)
        by_id = {h.paragraph.paragraph_id: h for h in hits}
        citations: list[Citation] = []
        parts = []
        for sentence in gate.kept:
            hit = by_id[sentence.paragraph_id]
            known = next((c for c in citations if c.paragraph_id == hit.paragraph.paragraph_id
                          and c.quote == sentence.quote), None)
            if known is None:
                known = make_citation(len(citations) + 1, hit.paragraph, hit.document, sentence.quote, hit.probability)
                citations.append(known)
            parts.append(f"{sentence.text.rstrip()} [{known.marker}]")
        return Written(answer=" ".join(parts), citations=citations, dropped=gate.dropped)
