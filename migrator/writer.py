"""Write a file the way version control would: all of it or none of it.

The new bytes go to a temporary file in the same folder, are flushed to disk, get the
original's mode, and are renamed over the original. A file that changed on disk since
it was read is not overwritten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ChangedOnDisk(Exception):
    """The file no longer holds the bytes the rewrite was computed from."""


def write_atomic(path: Path, new: bytes, expected: bytes) -> None:
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
