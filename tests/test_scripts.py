"""The scripts in scripts/ are not run by the tests (benchmarks take minutes), but they import the
package: importing each one catches a name the package no longer has."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parent.parent / "scripts").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_imports(script: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(script.parent))  # scripts import each other (bench → gen_corpus)
    spec = importlib.util.spec_from_file_location(f"_script_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)  # every script runs only under `if __name__ == "__main__"`
    assert callable(getattr(module, "main", None)) or callable(getattr(module, "generate", None))


def test_scripts_are_found():
    assert {"bench.py", "search_bench.py", "gen_corpus.py"} <= {p.name for p in SCRIPTS}
