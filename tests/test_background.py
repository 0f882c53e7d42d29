"""The second process that counts a large build's browser model while MkDocs renders the items."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from wijkengids import background, browser_search, plugin
from wijkengids.browser_search import MODEL_FILE

from .conftest import make_site


def test_a_job_returns_what_its_function_returns():
    assert background.Job(sorted, [3, 1, 2]).result() == [1, 2, 3]


def test_a_job_that_raises_reports_the_traceback():
    with pytest.raises(background.JobError, match="ValueError: invalid literal"):
        background.Job(int, "geen getal").result()


def test_a_job_whose_process_dies_reports_its_exit_code():
    with pytest.raises(background.JobError, match="exitcode 3"):
        background.Job(os._exit, 3).result()


def test_a_cancelled_job_stops_at_once():
    job = background.Job(time.sleep, 60)
    started = time.perf_counter()
    job.cancel()
    assert time.perf_counter() - started < 5


def _model_built(tmp_path: Path, name: str) -> bytes:
    site = make_site(tmp_path / name)
    site.build(strict=True)
    return (site.site_dir / MODEL_FILE).read_bytes()


def test_the_model_counted_in_the_background_is_the_one_counted_in_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    counted_here = _model_built(tmp_path, "here")
    monkeypatch.setattr(plugin, "MODEL_IN_BACKGROUND_FROM", 1)

    def not_here(*args: object) -> str:
        raise AssertionError("the build counted the model itself")

    # Only this process's copy: the job's process imports the real one.
    monkeypatch.setattr(browser_search, "model", not_here)
    assert _model_built(tmp_path, "background") == counted_here


def test_the_build_counts_the_model_itself_when_the_job_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    counted_here = _model_built(tmp_path, "here")
    monkeypatch.setattr(plugin, "MODEL_IN_BACKGROUND_FROM", 1)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a process that exits without an answer
    assert _model_built(tmp_path, "failed") == counted_here
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")  # no process at all
    assert _model_built(tmp_path, "none") == counted_here
