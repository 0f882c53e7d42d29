"""The wijkengids: a knowledge base and static site generator for Dutch neighbourhood work.

The core (load → validate → link → route → render) is independent of MkDocs; `plugin` is a thin
adapter and `cli` a thin command line over the same `pipeline.run()`.
"""

from .diagnostics import Diagnostic, Severity
from .model import Corpus, Item, Kind
from .pipeline import Build, Settings, run

__all__ = ["Build", "Corpus", "Diagnostic", "Item", "Kind", "Settings", "Severity", "run"]
