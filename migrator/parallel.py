"""Parse-and-migrate files across processes, results in the order they were asked for.

A LibCST parse is CPU-bound, so files are spread over a process pool. A small batch (a
pre-commit call names a handful of files) runs in this process: starting a pool costs
more than it saves. Workers get the settings once, at start-up, and stream results back
through `imap`, so the parent never holds more than a chunk of them.

A large file is different: its syntax tree takes about a thousand times its size in
memory (measured: README "Reliability"), the native parser cannot be interrupted, and
a parser that runs out of memory may abort its whole process. So each file of
ISOLATE_BYTES or more is migrated alone in a child process whose address space is
bounded (RLIMIT_AS, where the platform has it): a file that needs more than that is
reported (MM902) instead of exhausting the machine, and Ctrl-C or SIGTERM ends the
child at once instead of waiting for its parse to return.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from migrator.cache import ResultCache
from migrator.secrets import add_patterns as add_secret_patterns
from migrator.settings import Settings

# Below either bound the pool's start-up costs more than parallel parsing saves.
MIN_FILES_FOR_POOL = 16
MIN_BYTES_FOR_POOL = 256_000
# Files this large are migrated alone, in a child process with bounded memory.
ISOLATE_BYTES = 200_000
# The address space a child may add to what it inherits: room for the largest file the
# default max-file-size lets through (1 MB measured 1.1 GB to check, 1.5 GB to fix).
MEMORY_PER_FILE = 2_200_000_000

Job = tuple[int, Path, str, int]  # index, path, display path, size in bytes

_settings: Settings | None = None
_cache: ResultCache | None = None
_recheck = False


def _init(settings: Settings, use_cache: bool, recheck: bool = False) -> None:
    global _settings, _cache, _recheck
    _settings = settings
    add_secret_patterns(settings.secret_patterns)  # a spawned worker starts without them
    _cache = ResultCache.open(settings) if use_cache else None
    _recheck = recheck


def _work(job: Job) -> tuple[int, Any]:
    from migrator.pipeline import process_data, process_file

    index, path, display, _size = job
    assert _settings is not None
    try:
        result = process_file(path, display, _settings)
    except MemoryError:
        return index, _out_of_memory(path, display, _settings)
    if _cache is not None and result.original:
        _cache.put(result)
    if _recheck and result.changed and result.new is not None:
        # what `fix` reports after writing: the findings of the file as it will be,
        # computed here, in parallel, instead of once more in the main process
        try:
            after = process_data(result.new, path, display, _settings)
        except MemoryError:  # the lines named are those before the rewrite, then
            result.rechecked = result.findings
        else:
            result.rechecked = after.findings
            result.recheck_anchors = after.anchors
            result.secrets |= after.secrets
    if not result.changed and not result.findings:
        result.original = b""  # only rewrites and reports need it; keep the pipe light
    return index, result


def _out_of_memory(path: Path, display: str, settings: Settings) -> Any:
    from migrator.pipeline import FileResult, tool_finding

    limit = (
        f"{MEMORY_PER_FILE / 1e9:.1f} GB"
        if MEMORY_PER_FILE >= 1e9
        else f"{MEMORY_PER_FILE / 1e6:.0f} MB"
    )
    reason = f"needs more than the {limit} of memory a file may use; it was skipped"
    return FileResult(path, display, findings=[tool_finding(display, "MM902", settings, reason)])


def default_jobs() -> int:
    return os.cpu_count() or 1


def use_pool(jobs: int, count: int, size: int) -> bool:
    return jobs > 1 and count >= MIN_FILES_FOR_POOL and size >= MIN_BYTES_FOR_POOL


def _context() -> Any:
    # fork shares the already-imported parser with the workers (no re-import per worker)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _bound_memory(extra: int) -> None:
    """Cap this process's address space at what it has now plus `extra` bytes."""
    try:
        import resource

        with open("/proc/self/statm") as stream:
            pages = int(stream.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = current + extra
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError, AttributeError):
        pass  # no RLIMIT_AS or no /proc (macOS, Windows): the size limit alone bounds it


def _load_passes() -> None:
    """Import the passes and their native parsers (mapping a shared library under a tight
    address-space bound fails as an ImportError, not as a MemoryError)."""
    import importlib

    for name in (
        "libcst.native",
        "migrator.python.transformer",
        "migrator.javascript.migrate",
        "migrator.notebooks.migrate",
    ):
        with suppress(ImportError):
            importlib.import_module(name)


def _isolated_child(job: Job, connection: Any) -> None:
    from migrator.pipeline import FileResult, tool_finding

    assert _settings is not None
    # the parent answers Ctrl-C and SIGTERM (and ends this process): no second report here
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # a native parser out of memory aborts with a message of its own; the parent reports it
    faulthandler.disable()
    with suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    _load_passes()  # the bound is for the file's work, not for loading the tool
    _bound_memory(MEMORY_PER_FILE)
    try:
        outcome = _work(job)
    except MemoryError:
        outcome = job[0], _out_of_memory(job[1], job[2], _settings)
    except Exception as error:  # as in the pipeline: one file's failure ends no run
        finding = tool_finding(job[2], "MM903", _settings, f"{type(error).__name__}: {error}")
        outcome = job[0], FileResult(job[1], job[2], findings=[finding])
    try:
        connection.send(outcome)
    finally:
        connection.close()


def _isolated(job: Job) -> tuple[int, Any]:
    """One large file in its own process; a child that dies (a native parser's abort
    when its memory is exhausted) is reported as over the memory bound."""
    assert _settings is not None
    context = _context()
    if context.get_start_method() != "fork":
        return _work(job)  # the child would not inherit the settings: run it here
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_isolated_child, args=(job, sender), daemon=True)
    child.start()
    sender.close()
    try:
        while child.is_alive() or receiver.poll():
            if receiver.poll(0.2):  # short waits: a signal is handled between them
                try:
                    return receiver.recv()  # type: ignore[no-any-return]
                except EOFError:
                    break
        return job[0], _out_of_memory(job[1], job[2], _settings)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        with suppress(Exception):
            child.join(5)


def _in_order(jobs: Sequence[Job], small: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """Every job's result in the jobs' order: large ones isolated, the rest from `small`."""
    for job in jobs:
        if job[3] >= ISOLATE_BYTES:
            yield _isolated(job)
        else:
            yield next(small)


@contextmanager
def migrate_all(
    jobs: Sequence[Job],
    settings: Settings,
    processes: int,
    size: int,
    use_cache: bool,
    recheck: bool = False,
) -> Iterator[Iterator[tuple[int, Any]]]:
    """An iterator of (index, FileResult) for every job, in the jobs' order.

    `recheck` (for `fix`): a rewritten file's findings as it will be written are computed
    with it, in the worker. A context manager so that the pool exists (forked) before
    the caller starts any thread, such as the progress bar's, and is shut down when the
    caller is done.
    """
    _init(settings, use_cache, recheck)
    small = [job for job in jobs if job[3] < ISOLATE_BYTES]
    small_size = sum(job[3] for job in small)
    if not use_pool(processes, len(small), small_size):
        yield _in_order(jobs, (_work(job) for job in small))
        return
    processes = min(processes, len(small))
    chunksize = max(1, min(8, len(small) // (processes * 8)))
    with _context().Pool(
        processes, initializer=_init, initargs=(settings, use_cache, recheck)
    ) as pool:
        yield _in_order(jobs, pool.imap(_work, small, chunksize))
