"""One function run in a second Python process while the build goes on.

MkDocs renders pages on one core; a machine has more. The browser search's model (10 s of a
5,000-item build) needs only the search fields and the other pages' index entries, so it can be
counted while MkDocs renders the item pages. Only a finished result comes back: a failed or
cancelled job leaves nothing behind, and the caller then does the work itself.

A fresh interpreter (`python -m wijkengids.background`), not multiprocessing: its spawn and
forkserver modes import the caller's `__main__` again in the child, so a script that builds the
site without an `if __name__ == "__main__"` guard would build it twice, into the same folder; and
a fork copies a process whose threads (`serve`'s server) may hold locks.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .gcpause import cycle_collection_paused, unpickled

T = TypeVar("T")
# From this many items on, a build finds its panels and counts its browser model in a second
# process: below it, starting Python (0.5 s) costs more than the work (0.4 s at 100 items).
ITEMS_WORTH_A_PROCESS = 500


class JobError(Exception):
    """The job raised, or its process died (killed, out of memory) before it answered."""


class Job(Generic[T]):
    """`function(*args)` in a new process, started at once; `result()` waits for it.

    The function and its arguments travel pickled (so `function` must be importable by name),
    through a temporary file: starting never waits for the child to read them.
    """

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result or cancel)
        try:
            with tempfile.TemporaryFile() as task:
                pickle.dump((function, args), task, pickle.HIGHEST_PROTOCOL)
                task.seek(0)
                # The child finds this package where this process found it, however it got there.
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
                command = [sys.executable, "-P", "-m", __name__]
                errors, out = self._errors, subprocess.PIPE
                self._process = subprocess.Popen(command, stdin=task, stdout=out, stderr=errors, env=env)
        except BaseException:
            self._errors.close()
            raise

    def result(self) -> T:
        """The function's return value.

        Raises:
            JobError: The function raised (its traceback is the message), or the process died.
        """
        assert self._process.stdout is not None
        try:
            with self._process.stdout:
                answer = self._process.stdout.read()
            code = self._process.wait()
            try:
                succeeded, value = unpickled(answer)
            except Exception as exc:  # nothing, or half an answer: the process died
                self._errors.seek(0)
                said = self._errors.read().decode(errors="replace").strip().splitlines()[-1:]
                raise JobError(f"het achtergrondproces stopte zonder antwoord (exitcode {code}) {said}") from exc
        finally:
            self._errors.close()
        if not succeeded:
            raise JobError(value)
        return value

    def cancel(self) -> None:
        """Stop the process now; its result, if any, is dropped."""
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._errors.close()


def _answer() -> None:
    """The child: read the task from stdin, write `(succeeded, result or traceback)` to stdout."""
    try:
        # Hundreds of thousands of objects, none in a cycle: the collector would walk them all
        # again and again while they are made (a third of the time to unpickle a corpus).
        with cycle_collection_paused():
            function, args = pickle.load(sys.stdin.buffer)
        answer = (True, function(*args))
    except BaseException:  # any failure is reported, so the parent can do the work itself
        answer = (False, traceback.format_exc())
    # Pickled before it is written: the parent reads only when it needs the answer, and a pipe
    # holds 64 KB, so pickling into the pipe would wait for the parent, pickle by pickle.
    sys.stdout.buffer.write(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _answer()


__all__ = ["ITEMS_WORTH_A_PROCESS", "Job", "JobError"]
