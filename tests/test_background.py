"""The second process that counts a large build's browser model while MkDocs renders the items."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from wijkengids import background, browser_search, related
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


def _site_built(tmp_path: Path, name: str) -> dict[str, bytes]:
    site = make_site(tmp_path / name)
    site.build(strict=True)
    return site.snapshot()


def test_panels_and_model_found_in_the_background_equal_those_found_in_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    found_here = _site_built(tmp_path, "here")
    assert MODEL_FILE in found_here
    assert any(b'wg-related"' in html for html in found_here.values())  # there are related items
    monkeypatch.setattr(background, "ITEMS_WORTH_A_PROCESS", 1)

    def not_here(*args: object) -> None:
        raise AssertionError("the build did the work itself")

    # Only this process's copies: the jobs' processes import the real ones.
    monkeypatch.setattr(browser_search, "model", not_here)
    monkeypatch.setattr(related, "related_items", not_here)
    assert _site_built(tmp_path, "background") == found_here


def test_the_build_does_the_work_itself_when_a_job_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    found_here = _site_built(tmp_path, "here")
    monkeypatch.setattr(background, "ITEMS_WORTH_A_PROCESS", 1)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a process that exits without an answer
    assert _site_built(tmp_path, "failed") == found_here
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")  # no process at all
    assert _site_built(tmp_path, "none") == found_here
