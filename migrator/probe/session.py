"""One probe run: read the code, plan, look the models up, send the plan, judge.

The code is read as the migration leaves it (`fix`'s result in memory, the file on disk
untouched), so the plan holds what the migrated code will send; locations are mapped
back to the lines of the files as they are now.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from migrator.discovery import JS_SUFFIXES, NOTEBOOK_SUFFIXES, PYTHON_SUFFIXES
from migrator.javascript.requests import collect_js_calls
from migrator.notebooks.migrate import Notebook, cell_of, combine
from migrator.pipeline import FileResult
from migrator.probe.data import ProbeData
from migrator.probe.plan import Location, Plan, PlannedRequest, Planner
from migrator.probe.transport import NetworkError, Transport
from migrator.probe.verdicts import MODELS, Record, judge, model_record, read_cards
from migrator.python.callfacts import FileFacts, collect_calls
from migrator.runner import run
from migrator.settings import Settings


def line_map(before: str, after: str) -> Callable[[int], int]:
    """Line of the migrated text -> line of the text as it is (a rewritten line maps to
    the first line of the block it replaced)."""
    old, new = before.splitlines(), after.splitlines()
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def back(line: int) -> int:
        index = line - 1
        for _tag, i1, i2, j1, j2 in blocks:
            if j1 <= index < j2:
                return i1 + min(index - j1, max(i2 - i1 - 1, 0)) + 1
        return line

    return back


def _moved(facts: FileFacts, back: Callable[[int], int]) -> FileFacts:
    facts.calls = [replace(c, line=back(c.line)) for c in facts.calls]
    return facts


def _texts(result: FileResult) -> tuple[str, str] | None:
    """The file as it is and as the migration leaves it (the same text when nothing
    changes; a constants module the prefilter passed over has no bytes in its result)."""
    try:
        data = result.original or result.path.read_bytes()
    except OSError:
        return None
    text = data.decode("utf-8", errors="replace")
    if not result.changed or result.new is None:
        return text, text
    return text, result.new.decode("utf-8", errors="replace")


def _python_facts(result: FileResult, settings: Settings) -> FileFacts | None:
    texts = _texts(result)
    if texts is None:
        return None
    text, migrated = texts
    facts = collect_calls(migrated, result.display, settings)
    return facts if text == migrated else _moved(facts, line_map(text, migrated))


def _notebook_facts(result: FileResult, settings: Settings) -> FileFacts | None:
    """The code cells as the migration leaves them, read as one module as the notebook
    front end reads them; each call is placed in its cell, at its line there as the
    cell is now."""
    texts = _texts(result)
    if texts is None:
        return None
    parts = Notebook(texts[1].encode("utf-8"), result.display, settings).code_cells()
    if not parts:
        return None
    facts = collect_calls(combine(parts), result.display, settings)
    backs = {number: line_map(before, after) for number, (before, after) in result.cells.items()}
    calls = []
    for call in facts.calls:
        cell, line = cell_of(parts, call.line)
        back = backs.get(cell)
        calls.append(replace(call, line=back(line) if back else line, cell=cell))
    facts.calls = calls
    return facts


def _javascript_facts(result: FileResult, settings: Settings) -> FileFacts | None:
    texts = _texts(result)
    if texts is None:
        return None
    text, migrated = texts
    facts = collect_js_calls(migrated.encode("utf-8"), result.display, settings)
    return facts if text == migrated else _moved(facts, line_map(text, migrated))


def read_facts(paths: Sequence[Path], settings: Settings) -> list[FileFacts]:
    """Call facts of every Python, notebook and JS/TS file under `paths`, as the
    migration leaves it (the same run as `check`: discovery, prefilter, results cache,
    worker processes)."""
    found: list[FileFacts] = []
    for result in run(paths, settings):
        suffix = result.path.suffix
        if suffix in PYTHON_SUFFIXES:
            facts = _python_facts(result, settings)
        elif suffix in NOTEBOOK_SUFFIXES:
            facts = _notebook_facts(result, settings)
        elif suffix in JS_SUFFIXES:
            facts = _javascript_facts(result, settings)
        else:
            continue
        if facts is not None:
            found.append(facts)
    return found


def build_plan(
    paths: Sequence[Path],
    settings: Settings,
    data: ProbeData,
    environ: Mapping[str, str],
    base_url: str,
) -> Plan:
    return Planner(settings, data, environ, base_url).plan(read_facts(paths, settings))


def context_windows(settings: Settings) -> dict[str, int]:
    windows: dict[str, int] = {}
    for entry in settings.models.entries.values():
        if entry.mistral and entry.mistral_context_window:
            windows[entry.mistral] = entry.mistral_context_window
    return windows


def _where_used(plan: Plan, model: str) -> list[Location]:
    return sorted({loc for r in plan.requests if r.model == model for loc in r.locations})


def check_models(
    plan: Plan, transport: Transport, settings: Settings
) -> tuple[list[Record], set[str] | None]:
    """Records for GET /models, and the ids it lists (None when it did not answer)."""
    try:
        response = transport.get("/models")
    except NetworkError as error:
        return [Record(MODELS, "", [], "error", None, str(error))], None
    if response.status in (401, 403):
        detail = f"HTTP {response.status}: the key was refused; nothing else was sent"
        return [Record(MODELS, "", [], "unauthorized", response.status, detail)], None
    if response.status == 429:
        detail = f"HTTP 429 after every retry (waited {response.waited:g} s)"
        return [Record(MODELS, "", [], "rate-limited", 429, detail)], None
    payload = response.json()
    if response.status != 200 or not isinstance(payload, dict):
        detail = f"HTTP {response.status}: GET /models gave no model list; nothing else was sent"
        return [Record(MODELS, "", [], "error", response.status, detail)], None
    cards = read_cards(payload)
    windows = context_windows(settings)
    records = [
        model_record(model, cards, windows.get(model), _where_used(plan, model))
        for model in plan.models
    ]
    return records, set(cards)


def _post(request: PlannedRequest, transport: Transport, data: ProbeData) -> Record:
    try:
        response = transport.post(request.endpoint.path, request.body(data))
    except NetworkError as error:
        return Record(
            request.endpoint.path.lstrip("/"),
            request.model,
            request.names,
            "error",
            None,
            str(error),
            list(request.locations),
            table=request.table,
        )
    return judge(request, response, data)


def send_one(request: PlannedRequest, transport: Transport, data: ProbeData) -> Record:
    """One planned request. When the endpoint rejects some of its parameters, the rest
    are sent once more without them: one refused name must not hide that another one is
    ignored (Mistral fails the whole request on the first validation error)."""
    record = _post(request, transport, data)
    rest = {k: v for k, v in request.params.items() if k not in record.rejected}
    if record.status != "rejected" or not record.rejected or not rest:
        return record
    retry = _post(replace(request, params=rest), transport, data)
    without = ", ".join(record.rejected)
    if retry.status in ("ok", "ignored"):
        record.accepted, record.ignored = retry.accepted, retry.ignored
        shown = "accepted" if retry.status == "ok" else f"ignored: {retry.detail}"
        record.detail += f"; without {without}: {', '.join(sorted(rest))} {shown}"
    elif retry.status == "rejected":
        record.rejected = sorted({*record.rejected, *retry.rejected})
        record.detail += f"; without {without}: {retry.detail}"
    return record


def run_plan(
    plan: Plan, transport: Transport, settings: Settings, data: ProbeData, concurrency: int
) -> list[Record]:
    """Model records first, then one record per planned request, in plan order."""
    records, known = check_models(plan, transport, settings)
    if known is None:
        return records
    to_send = [r for r in plan.requests if r.model in known]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        sent = dict(
            zip(
                (id(r) for r in to_send),
                pool.map(lambda r: send_one(r, transport, data), to_send),
                strict=True,
            )
        )
    for request in plan.requests:
        if id(request) in sent:
            records.append(sent[id(request)])
            continue
        records.append(
            Record(
                request.endpoint.path.lstrip("/"),
                request.model,
                request.names,
                "unknown-model",
                None,
                "not sent: the model is not an id or alias in GET /models",
                list(request.locations),
                table=request.table,
            )
        )
    return records
