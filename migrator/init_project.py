"""`mistral-migrate init`: a commented config section and a `.env.example` to match.

Both edits only ever add text: the pyproject section is appended (or, with --force,
put in place of the old one) and validated with tomlkit; `.env.example` gets one line
per missing variable. Run twice, `init` changes nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from migrator.catalog import read_toml
from migrator.configfiles import ParseError, migrate_config
from migrator.configfiles.dotenv import parse as parse_dotenv
from migrator.rules_dir import rules_dir
from migrator.runner import run
from migrator.settings import TABLE, ConfigError, Settings

ENV_EXAMPLE = ".env.example"
_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*(?P<name>[^\]]+?)[ \t]*\]\]?", re.MULTILINE)


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def section_text(settings: Settings, newline: str) -> str:
    """The `[tool.mistral-migrate]` section: every default, commented out."""
    presets = settings.catalog.connection.presets
    default = presets["mistral"]
    examples = read_toml(rules_dir() / "config.toml")["init"]
    lines = [
        f"[tool.{TABLE}]",
        "# mistral-migrate settings. Every value below is the default: uncomment to change it.",
        f'# preset = "mistral"           # {" | ".join(presets)}: "openai" keeps OPENAI_* names',
        '# fail-on = "warning"          # lowest severity that makes check/fix exit 1',
        "# exclude = []                 # gitignore-style paths to skip, on top of .gitignore",
        '# select = []                  # only these codes or prefixes, e.g. ["MM1", "MM5"]',
        '# ignore = []                  # skip these codes or prefixes, e.g. ["MM205"]',
        "# secret-patterns = []         # extra regexes for committed keys, beside OpenAI's shapes",
        f"# max-file-size = {settings.max_file_size}     # bytes; larger files are skipped (MM902)",
        '# rules-overlay = ""           # a file written by `probe --update-rules`',
        '# rewrite-models = "proven"    # "all": also ids not shown to reach Mistral (MM212)',
        "# line-length = 88             # a call the rewrite lengthens past this is split",
        "#                              # (default: [tool.ruff] or [tool.black] line-length, else",
        "#                              # 88; JS/TS: Prettier's printWidth, else 80)",
        "",
        f"# [tool.{TABLE}.env]         # the variables the migrated code reads",
        f'# api-key = "{default["api_key"]}"',
        f'# base-url = "{default["base_url"]}"',
        "",
        f"# [tool.{TABLE}.models]      # change a mapping; see `mistral-migrate models`",
        f"# {examples['model_override_example']}",
        "",
        f"# [tool.{TABLE}.model-env]   # rename a Mistral model's variable",
        f"# {examples['model_env_example']}",
        "",
        f"# [tool.{TABLE}.per-file-ignores]",
        '# "tests/**" = ["MM201"]',
    ]
    return newline.join(lines) + newline


def _has_section(text: str) -> bool:
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as error:
        raise ConfigError(f"pyproject.toml: not valid TOML: {error}") from None
    return TABLE in document.get("tool", {})


def _without_section(text: str) -> tuple[str, int] | None:
    """The text with the header-style section cut out, and where it was; None if not found."""
    ours = f"tool.{TABLE}"
    start = end = None
    for match in _HEADER.finditer(text):
        name = re.sub(r"[ \t]", "", match.group("name")).replace('"', "")
        mine = name == ours or name.startswith(ours + ".")
        if mine and start is None:
            start = match.start()
        elif not mine and start is not None and end is None:
            end = match.start()
    if start is None:
        return None
    end = len(text) if end is None else end
    return text[:start] + text[end:], start


@dataclass
class InitResult:
    pyproject: str
    env_added: list[str]
    env_path: Path


def write_section(path: Path, settings: Settings, force: bool) -> str:
    """What happened to pyproject.toml: created, added, replaced or kept."""
    if not path.exists():
        path.write_text(section_text(settings, "\n"), encoding="utf-8")
        return "created"
    data = path.read_bytes()
    text = data.decode("utf-8")
    newline = newline_of(text)
    section = section_text(settings, newline)
    if _has_section(text):
        if not force:
            return "kept"
        cut = _without_section(text)
        if cut is None:
            raise ConfigError(
                f"{path}: [tool.{TABLE}] is not written as a table header; edit it by hand"
            )
        rest, at = cut
        new = rest[:at] + section + (newline if at < len(rest) else "") + rest[at:]
        if new == text:
            return "unchanged"
    else:
        body = text if not text or text.endswith(("\n", "\r")) else text + newline
        new = body + (newline if body.strip() else "") + section
    if _has_section(new) is False:
        raise ConfigError(f"{path}: could not add [tool.{TABLE}]")
    path.write_bytes(new.encode("utf-8"))
    return "replaced" if force else "added"


def wanted_variables(root: Path, settings: Settings) -> list[tuple[str, str]]:
    """`NAME=default` for the key, the base URL and each model variable the migrated
    project reads. A project that reads none (models set in a settings file) gets no
    model lines: listing every target would be clutter nobody reads."""
    models = {env: mistral for mistral, env in settings.models.targets().items()}
    found: set[str] = set()
    for result in run((root,), settings):
        found |= result.env_vars
    model_vars = sorted(found & models.keys())
    return [(settings.api_key_env, ""), (settings.base_url_env, settings.mistral_base_url)] + [
        (name, models[name]) for name in model_vars
    ]


def _defined(path: Path, settings: Settings) -> set[str]:
    """Names the file defines now, and after `fix` (so init then fix never duplicates)."""
    data = path.read_bytes()
    text = data.decode("utf-8")
    names = {a.name.value for a in parse_dotenv(text)}
    outcome = migrate_config(data, path, ENV_EXAMPLE, "dotenv", settings)
    if outcome.new is not None:
        names |= {a.name.value for a in parse_dotenv(outcome.new.decode("utf-8"))}
    return names


def write_env_example(root: Path, settings: Settings) -> tuple[Path, list[str]]:
    path = root / ENV_EXAMPLE
    wanted = wanted_variables(root, settings)
    if not path.exists():
        path.write_text("".join(f"{name}={value}\n" for name, value in wanted), encoding="utf-8")
        return path, [name for name, _ in wanted]
    try:
        defined = _defined(path, settings)
    except (ParseError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"{path}: cannot read it as a .env file ({error}); fix it or remove it"
        ) from None
    missing = [(name, value) for name, value in wanted if name not in defined]
    if not missing:
        return path, []
    text = path.read_bytes().decode("utf-8")
    newline = newline_of(text)
    body = text if not text or text.endswith(("\n", "\r")) else text + newline
    body += "".join(f"{name}={value}{newline}" for name, value in missing)
    path.write_bytes(body.encode("utf-8"))
    return path, [name for name, _ in missing]


def init_project(root: Path, settings: Settings, force: bool) -> InitResult:
    status = write_section(root / "pyproject.toml", settings, force)
    env_path, added = write_env_example(root, settings)
    return InitResult(status, added, env_path)
