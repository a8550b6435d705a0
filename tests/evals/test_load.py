"""The load script's own check, in CI: 16 concurrent clients for 60 s against a real server
process (stored in a real Chroma server) with zero errors."""

import pytest

from evals.benchmark import running_server
from evals.load import run_load

pytestmark = pytest.mark.slow


def test_sixteen_clients_for_a_minute_without_errors(real_server_app):
    s = real_server_app.settings
    env = {"PARAGRAF_CHROMA_HOST": s.chroma_host, "PARAGRAF_CHROMA_PORT": str(s.chroma_port),
           "PARAGRAF_COLLECTION": s.collection, "PARAGRAF_RATE_LIMIT_PER_MINUTE": "0"}
    with running_server(s.data_dir, env) as (base, _startup, _pid):
        result = run_load(base, clients=16, duration_s=60, max_requests=100_000)
    print(result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["ask"]["requests"] > 50 and result["stream"]["requests"] > 50
    assert result["duration_s"] >= 59


def test_load_script_refuses_other_hosts():
    with pytest.raises(SystemExit, match="loopback only"):
        run_load("http://example.org", clients=1, duration_s=1, max_requests=1)
