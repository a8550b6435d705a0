"""The layering stays as the README draws it: core/ imports no stage; index/ and ingest/ import
core/ but never assistant/, api/ or cli/; nothing but cli/ and evals/ imports cli/."""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "core": {"assistant", "index", "ingest", "api", "cli", "evals"},
    "index": {"assistant", "api", "cli", "evals"},
    "ingest": {"assistant", "api", "cli", "evals"},
    "assistant": {"api", "cli", "evals"},
    "api": {"cli", "evals"},
}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_only_the_layers_below_it(package: str):
    wrong = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (REPO / package).rglob("*.py")
    }
    assert {k: v for k, v in wrong.items() if v} == {}
