"""probe's output: the plan (dry run) and the records, as text or JSON.

JSON is a list of records: endpoint, model, parameters (names), status, http_status,
detail, locations ([{path, line}], plus `cell` in a notebook); model checks have endpoint "models".
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from migrator.probe.data import ProbeData
from migrator.probe.plan import Location, Plan
from migrator.probe.verdicts import MODELS, Record


def _where(locations: Sequence[Location]) -> str:
    return ", ".join(str(where) for where in locations)


def planned_records(plan: Plan) -> list[Record]:
    return [
        Record(
            r.endpoint.path.lstrip("/"),
            r.model,
            r.names,
            "planned",
            None,
            f"model from {r.model_from}" + "".join(f"; {note}" for note in r.notes),
            list(r.locations),
            table=r.table,
        )
        for r in plan.requests
    ]


def render_json(records: Sequence[Record]) -> str:
    return json.dumps([r.as_dict() for r in records], indent=2) + "\n"


def render_plan(plan: Plan, base_url: str, data: ProbeData) -> str:
    lines = [
        f"Plan: {len(plan.requests)} request(s) to {base_url}, and GET {base_url}/models for "
        f"{len(plan.models)} model id(s). Dry run: nothing sent.",
        "",
    ]
    for number, request in enumerate(plan.requests, 1):
        lines.append(f"{number}. POST {request.endpoint.path}  model={request.model}")
        lines.append(f"   model from: {request.model_from}")
        shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(request.params.items()))
        lines.append(f"   parameters: {shown or '(none)'}")
        lines.append(f"   sent by: {_where(request.locations)}")
        lines.extend(f"   note: {note}" for note in request.notes)
    if plan.skipped:
        lines += ["", "Not probed:"]
        lines += [f"  {s.where}: {s.reason}" for s in plan.skipped]
    lines += ["", "Models checked: " + (", ".join(plan.models) or "(none)")]
    return "\n".join(lines) + "\n"


def render_text(records: Sequence[Record], plan: Plan, base_url: str) -> str:
    models = [r for r in records if r.endpoint == MODELS]
    requests = [r for r in records if r.endpoint != MODELS]
    width = max((len(r.status) for r in records), default=2)
    lines = [f"Probed {base_url}", "", f"GET /models ({len(models)} check(s))"]
    for r in models:
        lines.append(f"  {r.status:<{width}}  {r.model or '-'}  {r.detail}")
    lines += ["", f"Requests ({len(requests)})"]
    for r in requests:
        params = ",".join(r.parameters) or "-"
        lines.append(f"  {r.status:<{width}}  {r.endpoint}  {r.model}  [{params}]")
        if r.detail:
            lines.append(f"  {'':<{width}}  {r.detail}")
        if r.locations:
            lines.append(f"  {'':<{width}}  sent by {_where(r.locations)}")
    if plan.skipped:
        lines += ["", "Not probed:"]
        lines += [f"  {s.where}: {s.reason}" for s in plan.skipped]
    counts = Counter(r.status for r in records)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    lines += ["", f"Summary: {summary or 'nothing probed'}."]
    problems = sorted(set(counts) - {"ok"})
    if problems:
        lines.append(
            "What a verdict means: " + ", ".join(f"`mistral-migrate explain {s}`" for s in problems)
        )
    return "\n".join(lines) + "\n"
