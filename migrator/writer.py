"""Write a file the way version control would: all of it or none of it.

The new bytes go to a temporary file in the same folder, are flushed to disk, get the
original's mode and (where the process may) its owner and group, and are renamed over
the original. The file must still be the one the rewrite was computed from: its bytes
are compared first, and its identity (size, mtime, ctime, inode) again immediately
before the rename, so an editor's save that lands during the write is never lost.
A read-only file, a file that is not a regular file and a file whose real location
lies outside its project are not replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path


class NotWritten(Exception):
    """A file that was deliberately not replaced; the message says why."""


class ChangedOnDisk(NotWritten):
    """The file no longer holds the bytes the rewrite was computed from."""


class OutsideTree(NotWritten):
    """The file's real location (through a symlinked file or folder) is outside its tree."""


class ReadOnly(NotWritten):
    """The file is read-only (no write permission bit, or not writable by this user)."""


class NotRegular(NotWritten):
    """Not a regular file (a FIFO, a device, a folder): never read whole, never replaced."""


def _identity(status: os.stat_result) -> tuple[int, ...]:
    """What changes when anyone writes, replaces or moves the file."""
    return (
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


def _read_current(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the status of that same open file (no stat/read gap)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegular(str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), status
    finally:
        os.close(fd)


def is_read_only(path: Path, status: os.stat_result) -> bool:
    """No write bit at all (0444), or not writable by this user. Root may write anything,
    so the bits are what count: a file its owner made read-only stays as it is."""
    return status.st_mode & 0o222 == 0 or not os.access(path, os.W_OK)


def write_atomic(path: Path, new: bytes, expected: bytes, root: Path | None = None) -> None:
    """Replace `path`'s content; a symlink keeps being a link and its target is written.

    `root` is the tree the file belongs to (discovery.tree_root): the real location of
    the file, through any symlinked folder or file, must lie inside it."""
    real = Path(os.path.realpath(path))
    if root is not None and not real.is_relative_to(os.path.realpath(root)):
        raise OutsideTree(str(real))
    current, status = _read_current(real)
    if current != expected:
        raise ChangedOnDisk(str(real))
    if is_read_only(real, status):
        raise ReadOnly(str(real))
    handle, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".mmtmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
            stream.flush()
            _keep_owner(stream.fileno(), status)
            os.fchmod(stream.fileno(), status.st_mode & 0o7777)
            os.fsync(stream.fileno())
        # the last look before the swap: nothing slow happens between it and the rename
        if _identity(os.stat(real)) != _identity(status):
            raise ChangedOnDisk(str(real))
        os.replace(temp, real)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _keep_owner(fd: int, status: os.stat_result) -> None:
    """The original's uid and gid where the process may set them (root: both; a user:
    the group, when a member of it). Run before the mode is set: chown clears set-id bits."""
    if not hasattr(os, "fchown"):
        return
    try:
        os.fchown(fd, status.st_uid, status.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, status.st_gid)


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
