"""The settings object: every field documented; the Chroma server address in every form people type."""

import subprocess
import sys

import pytest
from pydantic import ValidationError

from core.settings import Settings
from tests.conftest import REPO


def test_every_setting_has_a_description():
    missing = [name for name, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert missing == []


@pytest.mark.parametrize(
    ("value", "host", "port", "ssl"),
    [
        ("chroma.intern", "chroma.intern", 8000, False),
        ("  chroma.intern  ", "chroma.intern", 8000, False),
        ("127.0.0.1:8741", "127.0.0.1", 8741, False),
        ("http://127.0.0.1:8741", "127.0.0.1", 8741, False),
        ("http://127.0.0.1:8741/", "127.0.0.1", 8741, False),
        ("HTTPS://chroma.intern:443", "chroma.intern", 443, True),
        ("https://chroma.intern", "chroma.intern", 8000, True),
        ("[::1]:9000", "::1", 9000, False),
        ("::1", "::1", 8000, False),
        ("http://[fe80::1]:8001", "fe80::1", 8001, False),
    ],
)
def test_server_address_forms(monkeypatch, value, host, port, ssl):
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", value)
    s = Settings()
    assert (s.chroma_host, s.chroma_port, s.chroma_ssl) == (host, port, ssl)


def test_host_and_separate_port_variable(monkeypatch):
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", "chroma.intern")
    monkeypatch.setenv("PARAGRAF_CHROMA_PORT", "8741")
    assert (Settings().chroma_host, Settings().chroma_port) == ("chroma.intern", 8741)
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", "chroma.intern:8741")  # the same port twice is fine
    assert Settings().chroma_port == 8741


def test_empty_host_means_the_embedded_store(monkeypatch):
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", "")
    assert Settings().chroma_host is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("127.0.0.1:8741:8000", "ingen giltig adress"),
        ("chroma.intern:abc", "ska vara ett tal"),
        ("chroma.intern:0", "ska vara ett tal"),
        ("chroma.intern:70000", "ska vara ett tal"),
        ("ftp://chroma.intern", "okänt schema"),
        ("http://chroma.intern:8000/api/v2", "ingen sökväg"),
        ("http://user:pw@chroma.intern", "ingen sökväg eller inloggning"),
        ("chroma intern", "ingen giltig adress"),
        ("[::1", "ingen giltig adress"),
        ("[not-v6]:8000", "ingen giltig adress"),
        ("http://", "ingen giltig adress"),
    ],
)
def test_bad_addresses_are_refused_with_a_message(monkeypatch, value, says):
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", value)
    with pytest.raises(ValidationError) as err:
        Settings()
    assert says in str(err.value) and "PARAGRAF_CHROMA_HOST" in str(err.value)


def test_two_different_ports_are_refused(monkeypatch):
    monkeypatch.setenv("PARAGRAF_CHROMA_HOST", "chroma.intern:8741")
    monkeypatch.setenv("PARAGRAF_CHROMA_PORT", "8000")
    with pytest.raises(ValidationError, match="ange porten på ett ställe"):
        Settings()


def test_the_cli_refuses_a_bad_address_with_one_line_and_no_trace(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PARAGRAF_CHROMA_HOST": "127.0.0.1:8741:8000",
           "PARAGRAF_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "cli.main", "documents"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fel i inställningarna: PARAGRAF_CHROMA_HOST=")
    assert "Traceback" not in run.stderr
