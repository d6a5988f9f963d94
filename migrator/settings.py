"""The effective settings: shipped catalog + the project's config.

The config is the nearest one above the path being checked, as in ruff: in each folder
`.mistral-migrate.toml`, then `mistral-migrate.toml` (the table's keys at top level), then
a `pyproject.toml` that has a `[tool.mistral-migrate]` table. `--config KEY=VALUE`
overrides are layered on top. A bad config is the user's to fix, so every problem is a
`ConfigError` that names the file and the key; the CLI turns it into one line and exit 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from migrator.catalog import Catalog, load_catalog, tomllib
from migrator.decisions.model_ids import MODES, Mode
from migrator.findings import SEVERITIES
from migrator.frameworks import FrameworkError, FrameworkTable, load_frameworks
from migrator.modelmap import ModelMap
from migrator.prettier import DEFAULT_WIDTH, print_width
from migrator.rules_overlay import Overlay, OverlayError, freeze, read_overlay
from migrator.secrets import is_real_key

TABLE = "mistral-migrate"
DEFAULT_MAX_FILE_SIZE = 1_000_000


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
    # a Python file's syntax tree takes about 1.1 kB of memory per byte of source
    # (measured: README "Reliability"), so 1 MB is about 1.1 GB
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
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


STANDALONE = (".mistral-migrate.toml", "mistral-migrate.toml")
# an environment variable name as the code will spell it: os.environ["NAME"], process.env.NAME
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _has_table(path: Path) -> bool:
    try:
        return _has_table_at(str(path), path.stat().st_mtime_ns)
    except OSError:
        return True  # reported when read, not skipped silently


@lru_cache(maxsize=1024)
def _has_table_at(path: str, mtime_ns: int) -> bool:
    """Parsed once per file version: pre-commit passes files from many folders that all
    look up to the same pyproject.toml."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return True  # a broken pyproject is reported when read, not skipped silently
    tools = document.get("tool", {})
    return isinstance(tools, dict) and TABLE in tools


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` (a folder), as ruff finds its own."""
    for folder in (start, *start.parents):
        for name in STANDALONE:
            if (folder / name).is_file():
                return folder / name
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def find_pyproject(start: Path) -> Path | None:
    """The nearest config above `start` (kept for callers that predate standalone files)."""
    return find_config(start)


def read_tool_table(path: Path) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.name in STANDALONE:
        return _expect(document, dict, "the file", path)
    tools = document.get("tool", {})
    table = tools.get(TABLE, {}) if isinstance(tools, dict) else {}
    return _expect(table, dict, f"[tool.{TABLE}]", path)


def parse_override(text: str) -> dict[str, Any]:
    """One `--config KEY=VALUE` as a table: TOML (`line-length=100`, `env.api-key="K"`,
    `ignore=["MM205"]`), or a bare word taken as a string (`fail-on=error`)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--config {text!r}: expected a config file or KEY=VALUE")
    quoted = '"' + value.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    for candidate in (text, f"{key.strip()} = {quoted}"):
        try:
            return tomllib.loads(candidate)
        except tomllib.TOMLDecodeError:
            continue
    raise ConfigError(f"--config {text!r}: the value is not valid TOML")


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`, tables merged key by key (so `env.api-key` keeps `env.base-url`)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def formatter_line_length(path: Path) -> int | None:
    """The project's own line length, from [tool.ruff] or [tool.black], if it sets one."""
    try:
        tools = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return None
    if not isinstance(tools, dict):
        return None
    for name in ("ruff", "black"):
        section = tools.get(name, {})
        value = section.get("line-length") if isinstance(section, dict) else None
        if isinstance(value, int) and value > 0:
            return int(value)
    return None


def load_settings(
    config: Path | None = None,
    start: Path | None = None,
    overrides: Sequence[dict[str, Any]] = (),
) -> Settings:
    """Settings for the files at or below `start` (default: the working directory): the
    given config file, else the nearest one above `start`, then the overrides."""
    start = (start or Path.cwd()).resolve()
    if config is not None and not config.is_file():
        raise ConfigError(f"{config}: config file not found")
    path = config or find_config(start)
    table = read_tool_table(path) if path else {}
    for override in overrides:
        table = merge(table, override)
    root = path.resolve().parent if path else start
    return build_settings(
        table, path, root, formatter=nearest_pyproject(path.parent if path else start)
    )


def _overlay(table: dict[str, Any], where: Path, root: Path) -> Overlay:
    """`rules-overlay = "FILE"`: parameter facts a probe of the project's endpoint saw."""
    name = _expect(table.get("rules-overlay", ""), str, "rules-overlay", where)
    if not name:
        return ()
    try:
        return freeze(read_overlay(root / name))
    except OverlayError as error:
        raise ConfigError(f"{where}: rules-overlay: {error}") from None


def nearest_pyproject(start: Path) -> Path | None:
    """The pyproject.toml whose [tool.ruff]/[tool.black] line length the rewrite follows,
    whether or not it also holds this tool's table."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder / "pyproject.toml"
    return None


def _codes(value: Any, where: str, path: Path, catalog: Catalog) -> tuple[str, ...]:
    return tuple(
        normalize_code(code, f"{path}: {where}", catalog)
        for code in _string_list(value, where, path)
    )


def normalize_code(code: str, where: str, catalog: Catalog) -> str:
    """A rule code or prefix in upper case (codes are case-insensitive, as in `explain`);
    one that names no rule is an error with the nearest codes offered, since an unknown
    code would otherwise select nothing and switch the linter off."""
    upper = code.strip().upper()
    if upper and any(known.startswith(upper) for known in catalog.rules):
        return upper
    candidates = sorted({*catalog.rules, *(known[:4] for known in catalog.rules)})
    close = difflib.get_close_matches(upper, candidates, n=3, cutoff=0.5)
    shown = repr(code) if re.fullmatch(r"[A-Za-z0-9]{0,8}", code.strip()) else "given"
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ConfigError(
        f"{where}: unknown rule code or prefix {shown}{hint} (`mistral-migrate rules` lists them)"
    )


def _positive_int(table: dict[str, Any], key: str, default: int, where: Path) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}: {key} must be a positive integer, got {value!r}")
    return value


def _env_name(value: Any, key: str, where: Path) -> str:
    name = _expect(value, str, key, where)
    if not ENV_NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: {key} must be an environment variable name "
            f"(letters, digits and _, not starting with a digit), got {name!r}"
        )
    if is_real_key(name):  # `api-key = "<the key>"`: an easy misreading of the setting
        raise ConfigError(
            f"{where}: {key} names the variable that holds the key, but its value looks "
            "like an API key itself; give a variable name such as MISTRAL_API_KEY"
        )
    return name


def _checked_models(value: Any, where: Path) -> dict[str, Any]:
    """`[tool.mistral-migrate.models]`: each entry an id or a table of known keys."""
    overrides = _expect(value, dict, "models", where)
    for openai_id, entry in overrides.items():
        _expect(entry, (str, dict), f"models.{openai_id!r}", where)
        if isinstance(entry, dict):
            for key in entry:
                if key not in ("mistral", "env", "review", "note"):
                    raise ConfigError(
                        f"{where}: unknown key tool.{TABLE}.models.{openai_id!r}.{key}"
                    )
            if "env" in entry:
                _env_name(entry["env"], f"models.{openai_id!r}.env", where)
    return overrides


def build_settings(
    table: dict[str, Any], path: Path | None, root: Path, formatter: Path | None = None
) -> Settings:
    where = path or Path("<config>")
    formatter = formatter or path
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
    api_key_env = _env_name(env.get("api-key", presets[preset]["api_key"]), "env.api-key", where)
    base_url_env = _env_name(
        env.get("base-url", presets[preset]["base_url"]), "env.base-url", where
    )

    overrides = _checked_models(table.get("models", {}), where)
    model_env = _expect(table.get("model-env", {}), dict, "model-env", where)
    for mistral_id, name in model_env.items():
        _env_name(name, f"model-env.{mistral_id!r}", where)

    per_file = _expect(table.get("per-file-ignores", {}), dict, "per-file-ignores", where)
    fail_on = _expect(table.get("fail-on", "warning"), str, "fail-on", where)
    if fail_on not in SEVERITIES:
        raise ConfigError(
            f"{where}: fail-on must be one of {', '.join(SEVERITIES)}, got {fail_on!r}"
        )
    max_size = _positive_int(table, "max-file-size", DEFAULT_MAX_FILE_SIZE, where)
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
            pattern: _codes(codes, f"per-file-ignores.{pattern!r}", where, catalog)
            for pattern, codes in per_file.items()
        },
        select=_codes(table.get("select", []), "select", where, catalog),
        ignore=_codes(table.get("ignore", []), "ignore", where, catalog),
        fail_on=fail_on,
        max_file_size=max_size,
        line_length=_positive_int(
            table,
            "line-length",
            (formatter_line_length(formatter) if formatter else None) or 88,
            where,
        ),
        js_line_length=_positive_int(
            table, "line-length", print_width(root) or DEFAULT_WIDTH, where
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
