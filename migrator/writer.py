"""Write a file the way version control would: all of it or none of it.

The new bytes go to a temporary file in the same folder, are flushed to disk, get the
original's mode, and are renamed over the original. A file that changed on disk since
it was read is not overwritten.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from pathlib import Path


class ChangedOnDisk(Exception):
    """The file no longer holds the bytes the rewrite was computed from."""


class OutsideTree(Exception):
    """A symlink whose target lies outside the tree being migrated."""


def write_atomic(path: Path, new: bytes, expected: bytes, root: Path | None = None) -> None:
    """Replace `path`'s content; a symlink keeps being a link and its target is written."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
        if root is not None and not path.is_relative_to(root):
            raise OutsideTree(str(path))
    if path.read_bytes() != expected:
        raise ChangedOnDisk(str(path))
    mode = path.stat().st_mode
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".mmtmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


class deferred_interrupts:
    """Hold Ctrl-C and SIGTERM while a file is swapped in and recorded as written.

    The rename is atomic on its own; deferring the signal also keeps the run's account
    of what was written true, so the interrupted summary can be trusted.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> deferred_interrupts:
        self.pending: int | None = None
        self.previous = {}
        if threading.current_thread() is threading.main_thread():
            for number in self.SIGNALS:
                self.previous[number] = signal.signal(number, self._hold)
        return self

    def _hold(self, number: int, frame: object) -> None:
        self.pending = number

    def __exit__(self, *exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        if self.pending is not None:
            raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """Make SIGTERM end a run the way Ctrl-C does (KeyboardInterrupt), so `fix` can report."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)


def _raise_interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt
