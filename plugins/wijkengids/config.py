"""The plugin's typed configuration, validated by MkDocs' option types."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

SEVERITY_CHOICES = ("error", "warn", "info", "ignore")


class WijkengidsConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Switch the plugin off (e.g. to compare with plain Material)."""

    root = c.Optional(c.Type(str))
    """Project root holding lessons/, bestanddelen/, themas/ and interventies/; default: the folder of mkdocs.yml."""

    cache = c.Type(bool, default=True)
    """Keep parse results, findings, key terms, the kaart layout and compiled templates between
    builds, under content hashes, in the user's cache folder (`pipeline.memo_file`); `false`
    computes everything anew."""

    data_dir = c.Type(str, default="data")
    """Folder of the vocabulary files, relative to the root."""

    subset = c.Optional(c.Type(str))
    """Publish only part of the guide: `thema:<id>` or `stap:<n>` (set by `wijkengids bundel`)."""

    validation = c.DictOfItems(c.Choice(SEVERITY_CHOICES), default={})
    """Severity per diagnostic code or prefix, e.g. `{ref.thema: warn, body.short: ignore}`."""
