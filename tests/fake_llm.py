"""A scripted OpenAI-compatible chat server for the LLM writer's tests. The model name picks the
behaviour; every mode reads the numbered paragraphs from the prompt, as a real model would.

Modes: faithful (copies the first sentence of [1] and cites it), wrong_paragraph (the same
sentence citing [2]), invented_number, invented_person, no_markers, garbage, empty, abstain,
slow (sleeps past any test timeout), http_500.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("faithful", "wrong_paragraph", "invented_number", "invented_person", "no_markers", "garbage",
         "empty", "abstain", "slow", "http_500", "two_sentences_with_pause")
PAUSE_S = 2.0  # two_sentences_with_pause: between its first sentence and its invented second one
ABSTAIN = "Jag hittar inget svar på den frågan i underlagen."


def paragraphs(prompt: str) -> dict[int, str]:
    """{n: text} of the '[n] reference\\ntext' blocks in the user message."""
    found = {}
    for block in prompt.split("\n\n"):
        m = re.search(r"^\[(\d+)\] [^\n]*\n(.+)", block, re.S | re.M)
        if m:
            found[int(m.group(1))] = " ".join(m.group(2).split())
    return found


def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return (m.group(1) if m else text).rstrip(".!?")


def reply(mode: str, prompt: str) -> str:
    given = paragraphs(prompt)
    one = first_sentence(given.get(1, ""))
    if mode == "faithful":
        return f"{one} [1]."
    if mode == "wrong_paragraph":
        return f"{one} [{max(given) if len(given) > 1 else 2}]."
    if mode == "invented_number":
        return f"{re.sub(r'[0-9]+', '987', one) if re.search(r'[0-9]', one) else one + ' för 987 miljoner kronor'} [1]."
    if mode == "invented_person":
        return "Beslutet fattades efter förslag från Gunnar Västerlund (KD) [1]."
    if mode == "no_markers":
        return f"{one}."
    if mode == "garbage":
        return "Gurka blomma himmel flyger över bordet snabbt och blått [1]. Och och och [2]."
    if mode == "abstain":
        return ABSTAIN
    if mode == "two_sentences_with_pause":
        return f"{one} [1]. Beslutet kostar 987 miljoner kronor [1]."
    return ""


def _text(content) -> str:
    """A message's text: a string, or OpenAI's list of content parts."""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        mode = body.get("model", "faithful")
        self.server.requests.append(body)  # type: ignore[attr-defined]
        if mode == "http_500":
            self.send_response(500)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "boom"}}')
            return
        if mode == "slow":
            time.sleep(5)
        prompt = "\n".join(_text(m.get("content")) for m in body.get("messages", []) if m.get("role") == "user")
        text = reply(mode, prompt)
        if body.get("stream"):
            return self._stream(mode, text)
        payload = {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": mode,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


    def _stream(self, mode: str, text: str) -> None:
        """OpenAI's streamed chat format: one SSE chunk per word (a pause after the first sentence
        in two_sentences_with_pause), then [DONE]."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()

        def send(delta: dict, finish=None) -> None:
            chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                     "model": mode, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        send({"role": "assistant", "content": ""})
        paused = False
        for word in re.findall(r"\S+\s*", text):
            send({"content": word})
            if mode == "two_sentences_with_pause" and word.startswith("[1].") and not paused:
                time.sleep(PAUSE_S)
                paused = True
        send({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class FakeLLM:
    """`with FakeLLM() as url:` serves the fake on a free loopback port."""

    def __enter__(self) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.requests = []  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
