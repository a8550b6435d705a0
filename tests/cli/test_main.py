import json
import shutil
from pathlib import Path

import pytest

from cli import main as cli
from tests.conftest import SEEDS, FakeEmbedder, fake_scorer_path


@pytest.fixture(autouse=True)
def fake_model(monkeypatch, tmp_path):
    monkeypatch.setattr("assistant.service.create_embedder", lambda settings: FakeEmbedder())
    monkeypatch.setenv("PARAGRAF_SCORER_PATH", str(fake_scorer_path(tmp_path / "scorer")))


def test_ingest_ask_documents_remove(tmp_path: Path, capsys):
    data = tmp_path / "data"
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(SEEDS / "000_ee3bcc82b85d44b3.txt", corpus)
    (corpus / "trasig.pdf").write_bytes(b"%PDF-1.5 trasig")

    assert cli.main(["ingest", "--quiet", "--data-dir", str(data), str(corpus)]) == 0
    out, err = capsys.readouterr()
    assert "1 nya" in out and "1 överhoppade" in out and "trasig.pdf" in err

    assert cli.main(["ask", "--data-dir", str(data), "--json", "Hur mycket ska tjänsteresandet minska?"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert any("15 procent" in c["quote"] for c in body["citations"])

    assert cli.main(["ask", "--data-dir", str(data), "Hur mycket ska tjänsteresandet minska?"]) == 0
    assert "Källor:" in capsys.readouterr().out

    assert cli.main(["documents", "--data-dir", str(data), "--json"]) == 0
    assert [d["doc_id"] for d in json.loads(capsys.readouterr().out)] == ["000_ee3bcc82b85d44b3"]

    assert cli.main(["remove", "--data-dir", str(data), "000_ee3bcc82b85d44b3"]) == 0
    assert cli.main(["remove", "--data-dir", str(data), "000_ee3bcc82b85d44b3"]) == 1


def test_data_dir_comes_from_the_environment(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("PARAGRAF_DATA_DIR", str(tmp_path / "env-data"))
    assert cli.main(["documents"]) == 0
    assert "Inga dokument" in capsys.readouterr().out
    assert (tmp_path / "env-data" / "chroma").is_dir()


def test_empty_question_is_refused(tmp_path: Path, capsys):
    assert cli.main(["ask", "--data-dir", str(tmp_path), "   "]) == 2
    assert "tom" in capsys.readouterr().err


def test_every_command_and_option_has_a_swedish_help_text(capsys):
    import argparse

    from cli.main import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    described = {c.dest: c.help for c in commands._choices_actions}
    assert set(described) == set(commands.choices) and all(described.values())
    for name, sub in commands.choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help text"
        with pytest.raises(SystemExit):
            sub.parse_args(["--help"])
        out = capsys.readouterr().out
        assert out.startswith(f"användning: paragraf {name}") and "visa den här hjälpen" in out


def test_counts_are_in_swedish_singular_and_plural():
    from cli.main import plural

    assert plural(1, "sida", "sidor") == "1 sida" and plural(3, "sida", "sidor") == "3 sidor"
    assert plural(0, "stycke", "stycken") == "0 stycken"
