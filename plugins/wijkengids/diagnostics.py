"""Problems are data: a Diagnostic names the file, the line, what is wrong and the fix."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from .pickling import fast_pickle


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@fast_pickle
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in the content.

    Attributes:
        path: File relative to the project root (forward slashes).
        line: 1-based line in that file.
        code: `kind.subkind`, e.g. `ref.thema`; severities can be set per code.
        message: What is wrong, in Dutch.
        hint: The fix, in Dutch ("bedoelde je `burgerschap`?"), or "".
        severity: error, warning or info.
    """

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.path}:{self.line}: {self.message}{hint} [{self.code}]"

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        return {
            "file": data["path"],
            "line": self.line,
            "level": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A Dutch fix hint naming the closest valid value, or listing the few valid ones."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if close:
        return f"bedoelde je `{close[0]}`?"
    if 0 < len(options) <= 8:
        return "kies uit: " + ", ".join(f"`{o}`" for o in options)
    return ""


def with_severities(diagnostics: Iterable[Diagnostic], overrides: dict[str, str]) -> list[Diagnostic]:
    """Apply per-code severities (`warn`, `error`, `info`, `ignore`) from the plugin config.

    A code matches an override by exact code or by its prefix (`ref` matches `ref.thema`).
    """
    names = {"warn": Severity.WARNING, "warning": Severity.WARNING, "error": Severity.ERROR, "info": Severity.INFO}
    result = []
    for diag in diagnostics:
        setting = overrides.get(diag.code) or overrides.get(diag.code.split(".")[0])
        if setting == "ignore":
            continue
        if setting in names:
            diag = Diagnostic(diag.path, diag.line, diag.code, diag.message, diag.hint, names[setting])
        result.append(diag)
    return result


def sort_key(diag: Diagnostic) -> tuple[str, int, str]:
    return (diag.path, diag.line, diag.code)


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.as_json() for d in sorted(diagnostics, key=sort_key)], ensure_ascii=False, indent=2)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """One Dutch line: "3 fouten, 1 waarschuwing in 2 bestanden"."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    files = len({d.path for d in diagnostics if d.severity is not Severity.INFO})
    if not errors and not warnings:
        return "Geen fouten of waarschuwingen."
    fout = "fout" if errors == 1 else "fouten"
    waarsch = "waarschuwing" if warnings == 1 else "waarschuwingen"
    best = "bestand" if files == 1 else "bestanden"
    return f"{errors} {fout}, {warnings} {waarsch} in {files} {best}"
