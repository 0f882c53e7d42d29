"""The MkDocs adapter: wiring only. All logic lives in the pure modules behind `pipeline.run()`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import pipeline, sanitize
from .config import WijkengidsConfig
from .diagnostics import Severity
from .links import WikiLinkExtension
from .model import Kind

log = get_plugin_logger(__name__)

PACKAGE_DIR = Path(__file__).parent
THEME_DIR = PACKAGE_DIR / "theme"
ASSETS = ("assets/wijkengids/wijkengids.css", "assets/wijkengids/explore.css")
# Kaart, wijkscan and interventie-zoeker: each does nothing on a page without its element.
SCRIPTS = ("assets/wijkengids/kaart.js", "assets/wijkengids/wijkscan.js", "assets/wijkengids/zoeker.js")
# Vendored iframe-worker (MIT): Material's search runs in a Web Worker, which browsers refuse from
# file://; the shim runs it in an iframe instead. Material's offline plugin would otherwise load it
# from a CDN (and hide search without network). It only activates on file://.
WORKER_SHIM = "assets/vendor/iframe-worker/shim.js"
VENDORED = (WORKER_SHIM, "assets/vendor/iframe-worker/frame.js", "assets/vendor/iframe-worker/LICENSE")


class WijkengidsPlugin(BasePlugin[WijkengidsConfig]):
    def __init__(self) -> None:
        self.build: pipeline.Build | None = None
        self.links: WikiLinkExtension | None = None
        self.files: Files | None = None
        self.serving = False  # set once per `mkdocs` invocation, so it is not per-build state

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object across `serve` rebuilds: on_config resets the rest.
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        self.serving = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.build, self.files = None, None  # nothing survives between rebuilds
        if not self.config.enabled:
            return config
        root = self._root(config)
        self.links = WikiLinkExtension(
            lambda item_id: self.build.resolve(item_id) if self.build else None,
            untrusted=lambda src_uri: bool(self.build and self.build.item_for(src_uri)),  # cleaned by sanitize
        )
        config.markdown_extensions.append(self.links)  # type: ignore[arg-type]
        config.watch.extend(
            str(root / d) for d in [*(k.folder for k in Kind), self.config.data_dir] if (root / d).is_dir()
        )
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        config.extra_css.extend(a for a in ASSETS if a not in config.extra_css)
        config.extra_javascript.extend(s for s in SCRIPTS if s not in config.extra_javascript)
        polyfills = config.extra.setdefault("polyfills", [])
        if WORKER_SHIM not in polyfills:
            polyfills.insert(0, WORKER_SHIM)  # named "iframe-worker", so the offline plugin adds no CDN copy
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        root = self._root(config)
        self.build = pipeline.run(
            # Near-duplicates are `wijkengids check`'s job: under --strict a heuristic would fail the build.
            pipeline.Settings(
                root,
                root / self.config.data_dir,
                Path(config.docs_dir),
                self.config.validation,
                similarity=False,
                subset=self.config.subset,
            )
        )
        report(self.build)
        return add_files(files, self.build, config)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build and self.links:
            self.links.page_src_uri = page.file.src_uri
            item = self.build.item_for(page.file.src_uri)
            if item:
                page.meta.update(sanitize.page_meta(item.titel, item.samenvatting))
                if found := self.build.search_for(page.file.src_uri):
                    page.meta.update(found.meta)  # e.g. Material's `search: boost`
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Hidden text for Material's search index, which reads page.content after this hook.
        found = self.build.search_for(page.file.src_uri) if self.build else None
        return found.html + html if found else html

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if self.build and self.files is not None:
            files = self.files
            context["wg"] = self.build.panel_for(page.file.src_uri)
            if self.serving:  # the live preview shows content problems on every page
                context["wg_problems"] = [d for d in self.build.diagnostics if d.severity is not Severity.INFO]
            context["wg_url"] = lambda src_uri: _url_for(files, page, src_uri)
            context["wg_preview"] = self.serving  # no CSP: `serve` injects an inline live-reload script
        return context

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.files = files  # the final file list, for page-relative URLs in the panels
        env.filters["wg_csp"] = sanitize.content_security_policy  # theme/partials/wg-csp.html
        return env

    def _root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        root = (base / self.config.root).resolve() if self.config.root else base
        if not root.is_dir():
            raise PluginError(f"wijkengids: de map '{root}' bestaat niet; zet `root:` in mkdocs.yml goed")
        return root


def report(build: pipeline.Build) -> None:
    """Content problems are warnings, so `mkdocs build --strict` fails on them."""
    for diag in build.diagnostics:
        if diag.severity is Severity.INFO:
            log.info(diag.format())
        else:
            log.warning(diag.format())


def add_files(files: Files, build: pipeline.Build, config: MkDocsConfig) -> Files:
    """Add the item pages, the generated overview pages and the plugin's assets as virtual files."""
    for item in build.corpus.items:
        if build.corpus.index[item.id] is not item or not build.is_published(item.src_uri):
            continue  # a duplicate id (reported, published once) or outside a subset bundle
        _replace(files, File.generated(config, item.src_uri, content=item.body))
        files.get_file_from_path(item.src_uri).edit_uri = item.path  # type: ignore[union-attr]
    for uri, markdown in build.pages.items():
        _replace(files, File.generated(config, uri, content=markdown))
    for asset in (*ASSETS, *SCRIPTS, *VENDORED):
        _replace(files, File.generated(config, asset, abs_src_path=str(THEME_DIR / asset)))
    return files


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def _url_for(files: Files, page: Page, src_uri: str) -> str:
    """A page-relative URL, or "" for a page this build does not publish (a subset bundle)."""
    target = files.get_file_from_path(src_uri)
    return target.url_relative_to(page.file) if target else ""
