"""Parse-and-migrate files across processes, results in the order they were asked for.

A LibCST parse is CPU-bound, so files are spread over a process pool. A small batch (a
pre-commit call names a handful of files) runs in this process: starting a pool costs
more than it saves. Workers get the settings once, at start-up, and stream results back
through `imap`, so the parent never holds more than a chunk of them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from migrator.cache import ResultCache
from migrator.secrets import add_patterns as add_secret_patterns
from migrator.settings import Settings

# Below either bound the pool's start-up costs more than parallel parsing saves.
MIN_FILES_FOR_POOL = 16
MIN_BYTES_FOR_POOL = 256_000

Job = tuple[int, Path, str]

_settings: Settings | None = None
_cache: ResultCache | None = None


def _init(settings: Settings, use_cache: bool) -> None:
    global _settings, _cache
    _settings = settings
    add_secret_patterns(settings.secret_patterns)  # a spawned worker starts without them
    _cache = ResultCache.open(settings) if use_cache else None


def _work(job: Job) -> tuple[int, Any]:
    from migrator.pipeline import process_file

    index, path, display = job
    assert _settings is not None
    result = process_file(path, display, _settings)
    if _cache is not None and result.original:
        _cache.put(result)
    if not result.changed and not result.findings:
        result.original = b""  # only rewrites and reports need it; keep the pipe light
    return index, result


def default_jobs() -> int:
    return os.cpu_count() or 1


def use_pool(jobs: int, count: int, size: int) -> bool:
    return jobs > 1 and count >= MIN_FILES_FOR_POOL and size >= MIN_BYTES_FOR_POOL


def _context() -> Any:
    # fork shares the already-imported parser with the workers (no re-import per worker)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


@contextmanager
def migrate_all(
    jobs: Sequence[Job], settings: Settings, processes: int, size: int, use_cache: bool
) -> Iterator[Iterator[tuple[int, Any]]]:
    """An iterator of (index, FileResult) for every job, in the jobs' order.

    A context manager so that the pool exists (forked) before the caller starts any
    thread, such as the progress bar's, and is shut down when the caller is done.
    """
    if not use_pool(processes, len(jobs), size):
        _init(settings, use_cache)
        yield (_work(job) for job in jobs)
        return
    processes = min(processes, len(jobs))
    chunksize = max(1, min(8, len(jobs) // (processes * 8)))
    with _context().Pool(processes, initializer=_init, initargs=(settings, use_cache)) as pool:
        yield pool.imap(_work, jobs, chunksize)
