"""fast_pickle: the memo's frozen dataclasses survive pickling unchanged."""

from __future__ import annotations

import gc
import pickle
from dataclasses import dataclass

import pytest

from wijkengids.gcpause import cycle_collection_paused
from wijkengids.loader import load
from wijkengids.pickling import fast_pickle

from .conftest import FIXTURES


def test_a_whole_corpus_survives_the_round_trip():
    corpus, diagnostics = load(FIXTURES / "good", FIXTURES / "good" / "data")
    again, problems = pickle.loads(pickle.dumps((corpus, diagnostics), pickle.HIGHEST_PROTOCOL))
    assert again.items == corpus.items and again.vocabulary == corpus.vocabulary
    assert problems == diagnostics
    assert again.items[0].__getstate__() == corpus.items[0].__getstate__()


@fast_pickle
@dataclass(frozen=True, slots=True)
class _One:
    only: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class _Two:
    a: int
    b: tuple[str, ...] = ()


def test_one_field_and_defaults_round_trip_and_stay_frozen():
    for value in (_One("x"), _Two(1), _Two(2, ("p", "q"))):
        again = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert again == value and type(again) is type(value)
    with pytest.raises(AttributeError):
        _One("x").only = "y"  # type: ignore[misc]


def test_cycle_collection_is_paused_only_inside_the_block():
    assert gc.isenabled()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cycle_collection_paused():
        raise ValueError("een fout in het blok")
    assert gc.isenabled()  # also after an exception
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()
