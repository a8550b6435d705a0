import json

from assistant.feedback import FeedbackIn, FeedbackStore


def test_feedback_appends_jsonl_and_skips_a_torn_line(tmp_path):
    store = FeedbackStore(tmp_path / "fb" / "feedback.jsonl")
    first = store.add(FeedbackIn(rating="up", question="Fråga?", answer="Svar [1]", comment="Bra"))
    store.add(FeedbackIn(rating="down", question="Fråga 2?", answer="Svar"))
    with store.path.open("a", encoding="utf-8") as fh:
        fh.write('{"rating": "up", "quest')  # a writer died mid-line
    lines = list(store.lines())
    assert store.count() == 2 and json.loads(lines[0])["feedback_id"] == first.feedback_id
    assert json.loads(lines[0])["comment"] == "Bra" and json.loads(lines[1])["rating"] == "down"
