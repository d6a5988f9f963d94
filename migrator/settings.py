"""The effective settings: shipped catalog + `[tool.mistral-migrate]` from pyproject.toml.

A bad config is the user's to fix, so every problem is a `ConfigError` that names the
file and the key; the CLI turns it into one line and exit code 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from migrator.catalog import Catalog, load_catalog
from migrator.decisions.model_ids import MODES, Mode
from migrator.findings import SEVERITIES
from migrator.frameworks import FrameworkError, FrameworkTable, load_frameworks
from migrator.modelmap import ModelMap
from migrator.prettier import DEFAULT_WIDTH, print_width
from migrator.rules_overlay import Overlay, OverlayError, freeze, read_overlay

TABLE = "mistral-migrate"


class ConfigError(Exception):
    """A problem in the user's configuration, reported without a traceback."""


@dataclass(frozen=True)
class Settings:
    catalog: Catalog
    models: ModelMap
    api_key_env: str
    base_url_env: str
    preset: str = "mistral"
    rename_env: bool = True
    model_env_prefix: str = "MISTRAL_"
    root: Path = field(default_factory=Path.cwd)
    config_path: Path | None = None
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    max_file_size: int = 2_000_000
    # a call the rewrite makes longer than this is laid out one argument per line
    line_length: int = 88
    # the same for JS/TS: line-length when set, else Prettier's printWidth (default 80)
    js_line_length: int = 80
    # extra regexes for committed secrets in config files, on top of connection.toml's
    secret_patterns: tuple[str, ...] = ()
    # rules/frameworks.toml plus [tool.mistral-migrate.frameworks]
    frameworks: FrameworkTable = field(default_factory=FrameworkTable)
    # `rules-overlay`: parameter facts observed by `probe --update-rules` (rules_overlay.py)
    param_overlay: Overlay = ()
    # "proven": a model id changes only where it is shown to reach a client moved to
    # Mistral; "all": also where its destination is unknown (migrator.decisions.model_ids)
    rewrite_models: Mode = "proven"

    @property
    def mistral_base_url(self) -> str:
        return self.catalog.connection.mistral_base_url


def _expect(value: Any, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{path}: {where} must be a {names}, got {value!r}")
    return value


def _string_list(value: Any, where: str, path: Path) -> tuple[str, ...]:
    items = _expect(value, list, where, path)
    return tuple(_expect(item, str, f"{where}[]", path) for item in items)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_tool_table(path: Path) -> dict[str, Any]:
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (TOMLKitError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    table = document.get("tool", {}).get(TABLE, {})
    return _expect(
        table.unwrap() if hasattr(table, "unwrap") else table, dict, f"[tool.{TABLE}]", path
    )


def formatter_line_length(path: Path) -> int | None:
    """The project's own line length, from [tool.ruff] or [tool.black], if it sets one."""
    try:
        tools = tomlkit.parse(path.read_text(encoding="utf-8")).get("tool", {})
    except (TOMLKitError, UnicodeDecodeError, OSError):
        return None
    for name in ("ruff", "black"):
        value = tools.get(name, {}).get("line-length")
        if isinstance(value, int) and value > 0:
            return int(value)
    return None


def load_settings(config: Path | None = None, start: Path | None = None) -> Settings:
    """Settings for a run started in `start` (default: the working directory)."""
    start = (start or Path.cwd()).resolve()
    path = config or find_pyproject(start)
    if config is not None and not config.is_file():
        raise ConfigError(f"{config}: config file not found")
    table = read_tool_table(path) if path else {}
    return build_settings(table, path, root=path.parent if path else start)


def _overlay(table: dict[str, Any], where: Path, root: Path) -> Overlay:
    """`rules-overlay = "FILE"`: parameter facts a probe of the project's endpoint saw."""
    name = _expect(table.get("rules-overlay", ""), str, "rules-overlay", where)
    if not name:
        return ()
    try:
        return freeze(read_overlay(root / name))
    except OverlayError as error:
        raise ConfigError(f"{where}: rules-overlay: {error}") from None


def build_settings(table: dict[str, Any], path: Path | None, root: Path) -> Settings:
    where = path or Path("<config>")
    catalog = load_catalog()
    known = {
        "preset",
        "env",
        "models",
        "model-env",
        "exclude",
        "per-file-ignores",
        "select",
        "ignore",
        "fail-on",
        "max-file-size",
        "secret-patterns",
        "line-length",
        "frameworks",
        "rules-overlay",
        "rewrite-models",
    }
    for key in table:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key tool.{TABLE}.{key} (known: {', '.join(sorted(known))})"
            )

    preset = _expect(table.get("preset", "mistral"), str, "preset", where)
    presets = catalog.connection.presets
    if preset not in presets:
        raise ConfigError(f"{where}: preset must be one of {', '.join(presets)}, got {preset!r}")
    env = _expect(table.get("env", {}), dict, "env", where)
    for key in env:
        if key not in ("api-key", "base-url"):
            raise ConfigError(
                f"{where}: unknown key tool.{TABLE}.env.{key} (known: api-key, base-url)"
            )
    api_key_env = _expect(env.get("api-key", presets[preset]["api_key"]), str, "env.api-key", where)
    base_url_env = _expect(
        env.get("base-url", presets[preset]["base_url"]), str, "env.base-url", where
    )

    overrides = _expect(table.get("models", {}), dict, "models", where)
    for openai_id, value in overrides.items():
        _expect(value, (str, dict), f"models.{openai_id!r}", where)
        if isinstance(value, dict):
            for key in value:
                if key not in ("mistral", "env", "review", "note"):
                    raise ConfigError(
                        f"{where}: unknown key tool.{TABLE}.models.{openai_id!r}.{key}"
                    )
    model_env = _expect(table.get("model-env", {}), dict, "model-env", where)
    for mistral_id, name in model_env.items():
        _expect(name, str, f"model-env.{mistral_id!r}", where)

    per_file = _expect(table.get("per-file-ignores", {}), dict, "per-file-ignores", where)
    fail_on = _expect(table.get("fail-on", "warning"), str, "fail-on", where)
    if fail_on not in SEVERITIES:
        raise ConfigError(
            f"{where}: fail-on must be one of {', '.join(SEVERITIES)}, got {fail_on!r}"
        )
    max_size = _expect(table.get("max-file-size", 2_000_000), int, "max-file-size", where)
    secret_patterns = _string_list(table.get("secret-patterns", []), "secret-patterns", where)
    for pattern in secret_patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                f"{where}: secret-patterns: {pattern!r} is not a valid regex ({error})"
            ) from None

    extra_frameworks = _expect(table.get("frameworks", {}), dict, "frameworks", where)
    try:
        frameworks = load_frameworks(
            catalog.frameworks, extra_frameworks, f"tool.{TABLE}.frameworks", set(catalog.rules)
        )
    except FrameworkError as error:
        raise ConfigError(f"{where}: {error}") from None

    return Settings(
        catalog=catalog,
        param_overlay=_overlay(table, where, root),
        frameworks=frameworks,
        models=ModelMap(catalog.models, overrides, model_env),
        api_key_env=api_key_env,
        base_url_env=base_url_env,
        preset=preset,
        rename_env=bool(presets[preset].get("rename_env", True)),
        model_env_prefix=str(presets[preset].get("model_env_prefix", "")),
        root=root,
        config_path=path,
        exclude=_string_list(table.get("exclude", []), "exclude", where),
        per_file_ignores={
            pattern: _string_list(codes, f"per-file-ignores.{pattern!r}", where)
            for pattern, codes in per_file.items()
        },
        select=_string_list(table.get("select", []), "select", where),
        ignore=_string_list(table.get("ignore", []), "ignore", where),
        fail_on=fail_on,
        max_file_size=max_size,
        line_length=_expect(
            table.get("line-length", (formatter_line_length(path) if path else None) or 88),
            int,
            "line-length",
            where,
        ),
        js_line_length=_expect(
            table.get("line-length", print_width(root) or DEFAULT_WIDTH),
            int,
            "line-length",
            where,
        ),
        secret_patterns=secret_patterns,
        rewrite_models=_rewrite_models(table, where),
    )


def _rewrite_models(table: dict[str, Any], where: Path) -> Mode:
    """`rewrite-models`: which model ids may change (migrator.decisions.model_ids)."""
    value = _expect(table.get("rewrite-models", "proven"), str, "rewrite-models", where)
    for mode in MODES:
        if value == mode:
            return mode
    raise ConfigError(f"{where}: rewrite-models must be one of {', '.join(MODES)}, got {value!r}")
