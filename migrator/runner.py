"""A run over paths: discovery, the prefilter, and per-file migration, in stable order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from migrator.discovery import discover, display_path, repo_root
from migrator.pipeline import FileResult, process_file
from migrator.prefilter import build_prefilter
from migrator.settings import Settings


def run(paths: Sequence[Path], settings: Settings) -> Iterator[FileResult]:
    root = repo_root(Path.cwd())
    prefilter = build_prefilter(settings)
    for path in discover(paths, settings.exclude):
        yield process_file(path, display_path(path, root), settings, prefilter)
