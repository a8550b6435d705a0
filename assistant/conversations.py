"""Conversation memory: earlier turns give a follow-up question its context.

Kept in the API process, bounded by turns per conversation, number of conversations (least
recently used dropped first) and age. Several API processes behind a load balancer need sticky
sessions for follow-ups (README, "Several API processes"); a lost conversation only means the next
question is read on its own.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from core.swedish import QUESTION_FRAME, content_words

# A question that opens with one of these leans on the previous turn ("Och vem avstod?").
_LEADS = re.compile(
    r"^\s*(och|men|samt|även|också|dessutom|vad mer|hur då|varför då|i så fall|då)\b", re.IGNORECASE
)
# ... as does one with hardly any subject words of its own.
_MAX_OWN_WORDS = 2
_CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Turn:
    question: str
    context_question: str  # what retrieval read: the question, plus earlier context if a follow-up
    answer: str
    doc_ids: list[str] = field(default_factory=list)  # documents the answer cited, best first
    at: float = 0.0


def is_conversation_id(value: str) -> bool:
    return bool(_CONVERSATION_ID.match(value or ""))


def is_follow_up(question: str) -> bool:
    own = [w for w in content_words(question) if w not in QUESTION_FRAME and not w.isdigit()]
    return bool(_LEADS.match(question)) or len(own) <= _MAX_OWN_WORDS


def context_question(question: str, history: list[Turn]) -> str:
    """The question retrieval should read: a follow-up carries the previous turn's context."""
    if not history or not is_follow_up(question):
        return question
    return f"{question} ({history[-1].context_question})"


class ConversationStore:
    def __init__(
        self,
        max_turns: int = 10,
        max_conversations: int = 10_000,
        ttl_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_turns < 1 or max_conversations < 1 or ttl_s <= 0:
            raise ValueError("max_turns, max_conversations and ttl_s must be positive")
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._turns: OrderedDict[str, list[Turn]] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._turns)

    def history(self, conversation_id: str | None) -> list[Turn]:
        """Earlier turns (oldest first); empty for an unknown or expired conversation."""
        if not conversation_id:
            return []
        with self._lock:
            self._expire()
            return list(self._turns.get(conversation_id, []))

    def add(self, conversation_id: str | None, turn: Turn) -> str:
        """Record a turn; starts a new conversation when the id is missing, unknown or expired."""
        turn.at = self._clock()
        with self._lock:
            self._expire()
            if not conversation_id or conversation_id not in self._turns:
                conversation_id = uuid.uuid4().hex
            turns = self._turns.setdefault(conversation_id, [])
            turns.append(turn)
            del turns[: -self.max_turns]
            self._turns.move_to_end(conversation_id)
            while len(self._turns) > self.max_conversations:
                self._turns.popitem(last=False)
            return conversation_id

    def _expire(self) -> None:
        limit = self._clock() - self.ttl_s
        for cid in [c for c, turns in self._turns.items() if turns[-1].at < limit]:
            del self._turns[cid]
