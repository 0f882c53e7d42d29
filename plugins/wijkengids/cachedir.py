"""Where the wijkengids keeps what it may compute again: the user's cache folder, never the project.

The check's memo and Whoosh's index are pickles, and reading a pickle runs code. A project tree
holds whatever pull requests bring, and a contribution is text that must stay text: so nothing
read back from a cache may live where a contribution can put a file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def project_cache(root: Path) -> Path:
    """This project's cache folder: `$XDG_CACHE_HOME` (or `~/.cache`)`/wijkengids/<hash of the
    project's path>`, so two checkouts never share one."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "wijkengids" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
