from assistant.conversations import ConversationStore, Turn, context_question, is_follow_up


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def turn(q: str) -> Turn:
    return Turn(question=q, context_question=q, answer="svar", doc_ids=["d"])


def test_follow_ups_are_recognised():
    assert is_follow_up("Och vem avstod från att delta?")
    assert is_follow_up("Vem reserverade sig?")  # hardly any subject words of its own
    assert not is_follow_up("Hur mycket ska tjänsteresandet för Region Västerbotten minska?")


def test_context_question_adds_the_previous_turn_only_for_follow_ups():
    history = [turn("Hur mycket ska tjänsteresandet minska?")]
    assert context_question("Och vem avstod?", history) == "Och vem avstod? (Hur mycket ska tjänsteresandet minska?)"
    standalone = "Vilka mål har regionstyrelsen för klimatutsläpp från tjänsteresor?"
    assert context_question(standalone, history) == standalone
    assert context_question("Och vem avstod?", []) == "Och vem avstod?"


def test_store_bounds_turns_count_and_age():
    clock = Clock()
    store = ConversationStore(max_turns=2, max_conversations=2, ttl_s=10, clock=clock)
    a = store.add(None, turn("1"))
    store.add(a, turn("2"))
    store.add(a, turn("3"))
    assert [t.question for t in store.history(a)] == ["2", "3"]  # oldest turn dropped
    b = store.add(None, turn("b"))
    c = store.add(None, turn("c"))  # a is the least recently used: dropped
    assert store.history(a) == [] and len(store) == 2 and store.history(b)
    clock.now = 11
    assert store.history(c) == [] and len(store) == 0  # expired
    assert store.add(c, turn("d")) != c  # an expired id starts a new conversation
