"""The MkDocs adapter: wiring only. All logic lives in the pure modules behind `pipeline.run()`."""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from . import background, browser_search, pipeline, render_cache, sanitize
from .cachedir import project_cache
from .config import WijkengidsConfig
from .diagnostics import Severity
from .links import WikiLinkExtension
from .model import Kind
from .pages import relative_path
from .rawhtml import RawHtmlExtension

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
SEARCH_PLUGINS = ("material/search", "search")
# The browser search ranks with the wijkengids's own model in its own worker (see browser_search).
SEARCH_WORKER = "assets/wijkengids/zoekwerker.js"
MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


class KeyedFile(File):
    """A page that `mkdocs serve --dirty` renders again only when its content key changed.

    MkDocs' dirty mode asks `is_modified()`, which normally compares file times; a generated page
    has no file, and an item page changes when another item does (a backlink, a title). Without a
    cache (every normal build) a KeyedFile is modified, as MkDocs' own generated files are.
    """

    cache: render_cache.RenderCache | None = None
    render_key: str | None = None  # None: render every time (hand-written pages, nav titles)

    def is_modified(self) -> bool:
        if self.cache is None:
            return super().is_modified()
        return not self.cache.is_current(self.src_uri, self.render_key, self.abs_dest_path)


class WijkengidsPlugin(BasePlugin[WijkengidsConfig]):
    def __init__(self) -> None:
        self.build: pipeline.Build | None = None
        self.links: WikiLinkExtension | None = None
        self.files: Files | None = None
        self.urls: PageUrls | None = None
        self.serving = False  # set once per `mkdocs` invocation, so it is not per-build state
        # `serve --dirty` only: the content key each page was last rendered with, and nothing else.
        self.render_cache: render_cache.RenderCache | None = None
        # Parse results, key terms, kaart layout…, found again only under their content hash: read
        # from the user's cache folder by the first build, kept by `serve` between rebuilds.
        self.memo: pipeline.Memo | None = None
        self.memo_file: Path | None = None  # where it is stored; None with `cache: false`
        self.memo_stored: tuple[frozenset[Any], ...] = ()  # its keys as read
        self.search_entries: dict[str, list[dict[str, Any]]] = {}  # per page, of this rebuild
        self.search_seen = 0
        # A build's browser model, counted in a second process (`_start_model`) once the pages
        # it reads from Material's index are rendered: those pages, the job and what it counts.
        self.model_waits_for: set[str] | None = None
        self.model_job: background.Job[str] | None = None
        self.model_docs: list[browser_search.SearchDoc] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object across `serve` rebuilds: on_config resets the rest.
        self.serving = command == "serve"
        self.render_cache = render_cache.RenderCache() if self.serving and dirty else None
        self.memo = None

    def on_shutdown(self) -> None:
        self._cancel_jobs()
        self._store_memo()  # `serve` stores it once, not after every rebuild
        self.serving = False
        self.render_cache = None
        self.memo = None

    def on_build_error(self, *, error: Exception) -> None:
        self._cancel_jobs()
        # Pages of a failed rebuild may be half new: render everything next time.
        if self.render_cache is not None:
            self.render_cache.pages.clear()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._cancel_jobs()
        self.build, self.files, self.urls = None, None, None  # only the render cache and memo survive rebuilds
        self.search_entries, self.search_seen = {}, 0
        if not self.config.enabled:
            return config
        root = self._root(config)
        if self.memo is None:
            self.memo_file = pipeline.memo_file(root) if self.config.cache else None
            self.memo = pipeline.read_memo(self.memo_file) if self.memo_file else pipeline.Memo()
            self.memo_stored = self.memo.stored_keys()
        self.links = WikiLinkExtension(
            lambda item_id: self.build.resolve(item_id) if self.build else None,
            untrusted=lambda src_uri: bool(self.build and self.build.item_for(src_uri)),  # cleaned by sanitize
        )
        config.markdown_extensions.append(self.links)  # type: ignore[arg-type]
        # The listings of generated pages are HTML already (see rawhtml); no other page may pass HTML by.
        # `build.pages` holds only generated pages (a generated page replaces a hand-written namesake).
        config.markdown_extensions.append(RawHtmlExtension(self._converting_generated_page))  # type: ignore[arg-type]
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
        build = pipeline.run(
            # Near-duplicates are `wijkengids check`'s job: under --strict a heuristic would fail the build.
            pipeline.Settings(
                root,
                root / self.config.data_dir,
                Path(config.docs_dir),
                self.config.validation,
                similarity=False,
                subset=self.config.subset,
                memo=self.memo,
                directory_urls=config.use_directory_urls,
                # While MkDocs converts the pages, a second process finds the panels (on_env
                # takes them). Not in `serve`, whose memo keeps results in this process.
                apart=not self.serving,
            )
        )
        # The panels, pages and related items are made: the graph (30 MB at 5,000 items) can go.
        self.build = dataclasses.replace(build, graph=None)
        if not self.serving:
            self._store_memo()
            self.memo = None  # stored: its key terms need not outlive the related items (50 MB at 5,000)
        report(self.build)
        files = add_files(files, self.build, config)
        if self.render_cache is not None:
            shared = [Path(config.config_file_path), THEME_DIR, Path(config.docs_dir), root / self.config.data_dir]
            if config.theme.custom_dir:
                shared.append(Path(config.theme.custom_dir))
            keys = render_cache.page_keys(self.build, render_cache.files_digest(shared), preview=self.serving)
            files = key_pages(files, keys, self.render_cache)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        # A nav entry without its own title takes the page's heading, known only once it is read.
        for page in nav.pages:
            if "title" not in vars(page) and isinstance(page.file, KeyedFile):
                page.file.render_key = None
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build and self.links:
            self.links.page_src_uri = page.file.src_uri
            item = self.build.item_for(page.file.src_uri)
            if item:
                page.meta.update(sanitize.page_meta(item.titel, item.samenvatting))
                # The browser search reads items from their fields (browser_search.site_docs);
                # Material would only parse their HTML into sections nobody ranks.
                page.meta["search"] = {"exclude": True}
        return markdown

    @event_priority(-100)  # after the search plugin indexed the page
    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if self.render_cache is not None and (search := _search_plugin(config)) is not None:
            entries = search.search_index.entries
            self.search_entries[page.file.src_uri] = entries[self.search_seen :]
            self.search_seen = len(entries)
        if self.model_waits_for:
            self.model_waits_for.discard(page.file.src_uri)
            if not self.model_waits_for:
                self._start_model(config)
        if self.build and self.urls is not None:
            context["wg"] = self.build.panel_for(page.file.src_uri)
            if self.serving:  # the live preview shows content problems on every page
                context["wg_problems"] = list(self.build.problems())
            context["wg_url"] = self.urls.relative_to(page)
            context["wg_preview"] = self.serving  # no CSP: `serve` injects an inline live-reload script
        return context

    @event_priority(-100)  # after the search plugin wrote its (partial) index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.render_cache is not None and self.files is not None:
            self._complete_dirty_build(config)
        index_path = os.path.join(config.site_dir, "search", "search_index.json")
        if self.build is None or self.files is None or not os.path.isfile(index_path):
            self._cancel_jobs()
            return
        with open(index_path, encoding="utf-8") as f:
            material_index = json.load(f)
        location_of = self._locations()
        build = self.build
        docs = browser_search.site_docs(
            build.corpus, material_index.get("docs", []), location_of, build.pages, build.search_fields
        )
        model = self._model_counted(docs)
        if model is None:
            # Only `serve` keeps the model's word counts: a build lets them go as soon as they are used.
            memo = self.memo.search if self.serving and self.memo else None
            model = browser_search.model_script(docs, build.synonyms, memo)
        write_file(model.encode("utf-8"), os.path.join(config.site_dir, browser_search.MODEL_FILE))
        shown = browser_search.shown_index(build.corpus, material_index, location_of)
        write_file(shown.encode("utf-8"), index_path)  # before the offline plugin (listed later) reads it

    def _locations(self) -> dict[str, str]:
        assert self.files is not None
        return {f.src_uri: f.url for f in self.files.documentation_pages()}

    def _start_model(self, config: MkDocsConfig) -> None:
        """Count the browser model in a second process from here on: every page it reads from
        Material's index is rendered, what is left are item pages, which it reads from their fields.
        `on_post_build` takes the result only if the index it then reads gives the same documents."""
        search = _search_plugin(config)
        assert self.build is not None and search is not None
        self.model_waits_for = None
        build = self.build
        docs = browser_search.site_docs(
            build.corpus, list(search.search_index.entries), self._locations(), build.pages, build.search_fields
        )
        try:
            self.model_job = background.Job(browser_search.model_script, docs, build.synonyms)
        except OSError as exc:  # no processes to be had: on_post_build counts it
            log.debug("zoekmodel niet op de achtergrond: %s", exc)
            return
        self.model_docs = docs

    def _model_counted(self, docs: list[browser_search.SearchDoc]) -> str | None:
        """The background job's model script, if it counted exactly `docs`."""
        job, counted = self.model_job, self.model_docs
        self.model_job, self.model_docs = None, None
        if job is None:
            return None
        if counted != docs:  # another plugin changed the index after the job started
            job.cancel()
            return None
        try:
            return job.result()
        except background.JobError as exc:  # counted again here; a real fault then shows itself
            log.debug("zoekmodel op de achtergrond mislukt: %s", exc)
            return None

    def _cancel_jobs(self) -> None:
        """Stop what a failed or abandoned build left running in a second process."""
        if self.build is not None and self.build.panels_job is not None:
            self.build.panels_job.cancel()
        if self.model_job is not None:
            self.model_job.cancel()
        self.model_waits_for, self.model_job, self.model_docs = None, None, None

    def _complete_dirty_build(self, config: MkDocsConfig) -> None:
        """`serve --dirty`: drop pages of deleted items, and write the search index of every page."""
        assert self.render_cache is not None and self.files is not None
        pages = self.files.documentation_pages()
        for gone in self.render_cache.gone(f.src_uri for f in pages):
            if os.path.isfile(gone.dest_path):
                os.remove(gone.dest_path)  # a deleted item's page must not linger in the preview
        fresh = {}
        for file in pages:
            entries = self.search_entries.get(file.src_uri)
            if entries is None and (cached := self.render_cache.pages.get(file.src_uri)) is not None:
                entries = cached.search_entries
            key = file.render_key if isinstance(file, KeyedFile) else None
            fresh[file.src_uri] = render_cache.RenderedPage(key, file.abs_dest_path, entries or [])
        self.render_cache.pages = fresh
        if (search := _search_plugin(config)) is not None:
            # Material's dirty mode keeps the entries of one rebuilt page; write all, in build order.
            search.search_index.entries = [e for page in fresh.values() for e in page.search_entries]
            data = search.search_index.generate_search_index(None)
            write_file(data.encode("utf-8"), os.path.join(config.site_dir, "search", "search_index.json"))
            search.search_index_prev = None

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.files = files  # the final file list, for page-relative URLs in the panels
        self.urls = PageUrls(files)
        if self.build is not None:
            self.build = pipeline.with_panels(self.build)  # rendering starts next
        self._plan_model(config, files)
        if self.config.cache and env.bytecode_cache is None:
            env.bytecode_cache = TemplateCache.at(project_cache(self._root(config)) / "jinja")
        # theme/partials/wg-csp.html: the policy per base URL, rendered and hashed once per build.
        policies: dict[str, str] = {}
        env.globals["wg_csp_policies"] = policies
        env.filters["wg_csp"] = lambda scripts, base_url: policies.setdefault(
            base_url, sanitize.content_security_policy(scripts)
        )
        env.filters["wg_search_worker"] = lambda block: MATERIAL_WORKER.sub(SEARCH_WORKER, block)  # main.html
        return env

    def _plan_model(self, config: MkDocsConfig, files: Files) -> None:
        """A large build counts the browser model in the background (`_start_model`) once every
        page but the items is rendered: `add_files` puts the item pages last. Not in `serve`,
        whose memo keeps the model's counts between rebuilds in this process."""
        entries = getattr(getattr(_search_plugin(config), "search_index", None), "entries", None)
        if self.serving or self.build is None or not isinstance(entries, list):
            return  # `serve`, or not Material's search plugin (whose entries grow as pages render)
        build = self.build
        pages = files.documentation_pages()
        others = {f.src_uri for f in pages if build.item_for(f.src_uri) is None}
        if len(pages) - len(others) < background.ITEMS_WORTH_A_PROCESS:
            return
        self.model_waits_for = others
        if not others:
            self._start_model(config)

    def _converting_generated_page(self) -> bool:
        return bool(self.build and self.links and self.links.page_src_uri in self.build.pages)

    def _store_memo(self) -> None:
        if self.memo is None or self.memo_file is None:
            return
        keys = self.memo.stored_keys()
        if keys != self.memo_stored:
            pipeline.write_memo(self.memo, self.memo_file)
            self.memo_stored = keys

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
    """Add the generated overview pages, the item pages and the plugin's assets as virtual files.

    The item pages come last, so MkDocs renders them last: by then every page the browser model
    reads from Material's search index is rendered, and it is counted while they are (see
    `WijkengidsPlugin._start_model`)."""
    for uri, markdown in build.pages.items():
        _replace(files, KeyedFile.generated(config, uri, content=markdown))
    for item in build.corpus.items:
        if build.corpus.index[item.id] is not item or not build.is_published(item.src_uri):
            continue  # a duplicate id (reported, published once) or outside a subset bundle
        _replace(files, KeyedFile.generated(config, item.src_uri, content=item.body))
        files.get_file_from_path(item.src_uri).edit_uri = item.path  # type: ignore[union-attr]
    for asset in (*ASSETS, *SCRIPTS, SEARCH_WORKER, *VENDORED):
        _replace(files, File.generated(config, asset, abs_src_path=str(THEME_DIR / asset)))
    return files


def key_pages(files: Files, keys: render_cache.PageKeys, cache: render_cache.RenderCache) -> Files:
    """Give every page its content key. Hand-written pages become KeyedFiles that always render
    (they are few, and their titles fill the nav of every other page). The order stays MkDocs',
    so pages and search entries come out as in a clean build."""
    keyed = []
    for file in files:
        if file.is_documentation_page():
            if not isinstance(file, KeyedFile):
                file = KeyedFile(
                    file.src_path,
                    file.src_dir,
                    file.dest_dir,
                    file.use_directory_urls,
                    dest_uri=file.dest_uri,
                    inclusion=file.inclusion,
                )
            file.cache = cache
            file.render_key = keys.get(file.src_uri) if file.generated_by else None
        keyed.append(file)
    return Files(keyed)


def _search_plugin(config: MkDocsConfig) -> Any:
    return next((config.plugins[name] for name in SEARCH_PLUGINS if name in config.plugins), None)


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates between builds: MkDocs compiles Material's ~40 templates anew each time
    (~0.4 s); Jinja uses a cached one only while its source's checksum is the same. In the user's
    cache folder, since it is code. A folder that cannot be written costs speed, not the build."""

    @classmethod
    def at(cls, folder: Path) -> TemplateCache | None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return cls(str(folder))

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template not cached: %s", exc)


class PageUrls:
    """Page-relative URLs of source URIs, as `File.url_relative_to` (mkdocs.utils.get_relative_url)
    gives them, "" for a page this build does not publish (a subset bundle). Each target's URL is
    split once per build, not once per link: the panels ask for about 30 per page."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self._targets: dict[str, tuple[list[str], str] | None] = {}

    def relative_to(self, page: Page) -> Callable[[str], str]:
        directory, _, name = page.file.url.rpartition("/")
        base = _url_parts(directory if "." in name else page.file.url)

        def url(src_uri: str) -> str:
            target = self._target(src_uri)
            if target is None:
                return ""
            parts, tail = target
            return relative_path(base, parts) + tail

        return url

    def _target(self, src_uri: str) -> tuple[list[str], str] | None:
        if src_uri not in self._targets:
            file = self._files.get_file_from_path(src_uri)
            self._targets[src_uri] = (
                None if file is None else (_url_parts(file.url), "/" if file.url.endswith("/") else "")
            )
        return self._targets[src_uri]


def _url_parts(url: str) -> list[str]:
    """A URL's normalised path segments, as MkDocs splits them."""
    path = posixpath.normpath(url if url.startswith("/") else "/" + url)[1:]
    return path.split("/") if path else []
