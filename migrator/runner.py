"""A run over paths: discovery, the prefilter, the cache, then migration, in stable order.

Work is avoided before it is spread: reading and the prefilter (bytes only) decide which
files can matter, the cache answers for those already seen, and only the rest are parsed,
in a process pool when there are enough of them. Results come out in discovery order
whatever the number of processes.

A Python module's result can depend on the modules that import it (a `settings.py` whose
model ids are read by client calls elsewhere: migrator/crossmodule.py). So results are
held until every file has been through the pass; then the reads of imported names are
linked to their defining modules, and those modules (usually one or two) are run again with
the verdicts, their cache entries keyed by a digest of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from migrator.cache import ResultCache
from migrator.crossmodule import ProjectModules, facts_digest, link
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
    context: Sequence[Path] = (),
    recheck: bool = False,
) -> Iterator[Any]:
    """FileResult per discovered file, in discovery order. With `recheck` (for `fix`) a
    rewritten file comes with the findings of its new text (FileResult.rechecked).
    `context`: Python files outside this run (another CI shard's) that are run only for the
    model ids they read from the run's modules (crossmodule.py), so that a shard reports
    what the whole run would."""
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
    python_files: list[Path] = []
    shown = 0  # the first `shown` entries of `done` are this run's; the rest are context
    for path in [*discover(paths, settings.exclude, settings.root), None, *context]:
        if path is None:
            shown = len(done)
            continue
        display = display_path(path, root)
        if path.suffix in PYTHON_SUFFIXES:
            python_files.append(path)
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
        advance = stack.enter_context(progress(len(todo), wanted(len(todo))))
        for index, result in results:
            done[index] = result
            advance()
    rerun_with_imported_facts(done, python_files, settings, cache)
    if not context:
        shown = len(done)
    for position in range(shown):
        yield done[position]
        done[position] = None
    if cache is not None and unaffected != known_unaffected:
        cache.save_unaffected(unaffected)


def rerun_with_imported_facts(
    done: list[Any], python_files: Sequence[Path], settings: Settings, cache: ResultCache | None
) -> None:
    """Run again, in place, each module whose names other modules send as model ids."""
    from migrator.pipeline import FileResult, process_file

    reads = [(r.path, r.display, r.model_reads) for r in done if r is not None and r.model_reads]
    if not reads:
        return
    facts = link(reads, ProjectModules(python_files))
    for index, result in enumerate(done):
        if result is None or result.path.suffix not in PYTHON_SUFFIXES:
            continue
        given = facts.get(Path(result.path).resolve())
        if not given:
            continue
        salt = facts_digest(given)
        try:
            data = result.original or Path(result.path).read_bytes()
        except OSError:
            continue  # gone since the first pass: its first result stands
        hit = cache.get(data, result.display, result.path, salt) if cache is not None else None
        if hit is None:
            hit = process_file(result.path, result.display, settings, facts=given)
            if cache is not None and hit.original and hit.error is None:
                cache.put(hit, salt)
        assert isinstance(hit, FileResult)
        done[index] = hit


def stat_signature(path: Path) -> list[int] | None:
    """What must stay the same for a file to count as unchanged without reading it."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
