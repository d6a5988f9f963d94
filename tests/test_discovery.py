"""Discovery: .gitignore (nested, negation), excludes, symlinks, named files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.discovery import discover


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def found(root: Path, exclude: tuple[str, ...] = (), project_root: Path | None = None) -> list[str]:
    return [p.relative_to(root).as_posix() for p in discover([root], exclude, project_root)]


def test_walk_is_sorted_and_skips_default_excludes(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "b.py",
        "a.py",
        "pkg/c.pyi",
        "notes.txt",
        ".venv/lib/x.py",
        "node_modules/y.py",
        "build/z.py",
        "pkg/__pycache__/w.py",
        "thing.egg-info/v.py",
        ".mistral_migrate_cache/u.py",
    )
    assert found(tmp_path) == ["a.py", "b.py", "pkg/c.pyi"]


def test_gitignore_nested_and_negation(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "keep.py",
        "gen_a.py",
        "gen_keep.py",
        "sub/gen_b.py",
        "sub/local.py",
        "sub/deep/x.py",
        "sub/again.py",
    )
    (tmp_path / ".gitignore").write_text("gen_*.py\n!gen_keep.py\nagain.py\n")
    # a nested file re-includes what its parent ignores, and ignores more of its own
    (tmp_path / "sub" / ".gitignore").write_text("!again.py\nlocal.py\ndeep/\n")
    assert found(tmp_path) == ["gen_keep.py", "keep.py", "sub/again.py"]


def test_gitignore_above_the_walked_folder_applies_within_the_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("src/generated/\n")
    touch(tmp_path, "src/app.py", "src/generated/g.py")
    assert [p.name for p in discover([tmp_path / "src"])] == ["app.py"]


def test_config_exclude_is_relative_to_the_project_root(tmp_path: Path) -> None:
    touch(tmp_path, "src/app.py", "src/legacy/old.py", "scratch_1.py", "src/scratch_2.py")
    assert found(tmp_path, ("src/legacy/", "scratch_*.py"), tmp_path) == ["src/app.py"]
    # walking a subfolder: the patterns still mean the same files
    names = [p.name for p in discover([tmp_path / "src"], ("src/legacy/",), tmp_path)]
    assert names == ["app.py", "scratch_2.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    repo = tmp_path / "repo"
    touch(outside, "secret.py")
    touch(repo, "real.py", "pkg/mod.py", "hidden/target.py")
    (repo / ".gitignore").write_text("hidden/\n")
    (repo / "out_link.py").symlink_to(outside / "secret.py")  # leaves the tree: skipped
    (repo / "in_link.py").symlink_to(repo / "hidden" / "target.py")  # in the tree: kept
    (repo / "dup_link.py").symlink_to(repo / "real.py")  # same as a walked file
    (repo / "dangling.py").symlink_to(repo / "missing.py")  # dangles: skipped
    (repo / "pkg" / "loop").symlink_to(repo)  # folder loop: not entered
    (repo / "outdir").symlink_to(outside)  # folder outside: not entered
    assert found(repo) == ["in_link.py", "pkg/mod.py", "real.py"]


def test_named_files_are_always_read(tmp_path: Path) -> None:
    touch(tmp_path, "build/gen.py", "ignored.py", "script")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    named = [tmp_path / "build" / "gen.py", tmp_path / "ignored.py", tmp_path / "script"]
    assert discover(named, ("build/",), tmp_path) == named
    # and a file named twice (or named and walked) is read once
    assert discover([tmp_path / "ignored.py", tmp_path / "ignored.py"]) == [tmp_path / "ignored.py"]


def test_javascript_and_typescript_sources_but_not_bundles(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "app/route.ts",
        "app/page.tsx",
        "lib/a.js",
        "lib/b.mjs",
        "lib/c.cjs",
        "ui/d.jsx",
        "lib/e.mts",
        "lib/f.cts",
        "public/vendor.min.js",
        "dist/app.js",
        "node_modules/openai/index.js",
        "types/env.d.ts",
        "types/api.d.mts",
        ".next/server/app.js",
    )
    assert found(tmp_path) == [
        "app/page.tsx",
        "app/route.ts",
        "lib/a.js",
        "lib/b.mjs",
        "lib/c.cjs",
        "lib/e.mts",
        "lib/f.cts",
        "ui/d.jsx",
    ]
