"""A run over paths: discovery, the prefilter, the cache, then migration, in stable order.

Work is avoided before it is spread: reading and the prefilter (bytes only) decide which
files can matter, the cache answers for those already seen, and only the rest are parsed,
in a process pool when there are enough of them. Results come out in discovery order
whatever the number of processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from migrator.cache import ResultCache
from migrator.discovery import PYTHON_SUFFIXES, discover, display_path, repo_root
from migrator.parallel import Job, default_jobs, migrate_all
from migrator.prefilter import prefilter_for
from migrator.progress import progress, wanted
from migrator.settings import Settings


def run(
    paths: Sequence[Path],
    settings: Settings,
    jobs: int | None = None,
    use_cache: bool = True,
    recheck: bool = False,
) -> Iterator[Any]:
    """FileResult per discovered file, in discovery order. With `recheck` (for `fix`) a
    rewritten file comes with the findings of its new text (FileResult.rechecked)."""
    from migrator.pipeline import FileResult, read_file

    # paths in every output are relative to the project's git work tree (else its config's
    # folder), whatever the working directory: see migrator/projects.py
    root = repo_root(settings.root)
    prefilter = prefilter_for(settings)  # built once; forked workers inherit it
    cache = ResultCache.open(settings) if use_cache else None
    done: list[Any] = []  # results known without parsing; None where a job is pending
    todo: list[Job] = []
    size = 0
    known_unaffected = cache.load_unaffected() if cache is not None else {}
    unaffected: dict[str, list[int]] = {}
    for path in discover(paths, settings.exclude, settings.root):
        display = display_path(path, root)
        signature = stat_signature(path)
        if signature is not None and known_unaffected.get(display) == signature:
            unaffected[display] = signature
            done.append(FileResult(path, display))
            continue
        data, problem = read_file(path, display, settings)
        if data is None:
            done.append(FileResult(path, display, findings=[problem] if problem else []))
        elif not prefilter.search(data, python=path.suffix in PYTHON_SUFFIXES):
            if signature is not None:
                unaffected[display] = signature
            done.append(FileResult(path, display))
        elif (
            cache is not None
            and (hit := cache.get(data, display, path)) is not None
            and not (recheck and hit.changed)  # a worker checks what will be written
        ):
            done.append(hit)
        else:
            todo.append((len(done), path, display, len(data)))
            done.append(None)
            size += len(data)
    with ExitStack() as stack:
        results = stack.enter_context(
            migrate_all(todo, settings, jobs or default_jobs(), size, cache is not None, recheck)
        )
        advance = stack.enter_context(progress(len(done), wanted(len(todo))))
        position = 0
        for index, result in results:
            done[index] = result
            while position <= index:
                yield done[position]
                done[position] = None
                advance()
                position += 1
        while position < len(done):
            yield done[position]
            done[position] = None
            advance()
            position += 1
    if cache is not None and unaffected != known_unaffected:
        cache.save_unaffected(unaffected)


def stat_signature(path: Path) -> list[int] | None:
    """What must stay the same for a file to count as unchanged without reading it."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
