"""Plain facts about the requests a file sends, shared by the front ends (Python,
notebooks, JS/TS) and read by `mistral-migrate probe`.

A front end turns syntax into these values; every decision (which client goes to
Mistral, which model an env var gives, which parameters are sent) is the plan's
(`migrator.probe.plan`), so a call is judged alike whatever language sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ValueKind = Literal["literal", "env", "ref", "absent", "unknown"]


@dataclass(frozen=True)
class ValueFact:
    """One value an expression can take. `env`: the variable (and its default, if any);
    `ref`: a dotted name defined in another module; `unknown`: the source text."""

    kind: ValueKind
    value: Any = None
    env: str = ""
    default: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ClientFact:
    """Where a client sends: the values its base URL can take (`absent` when it passes
    none, so the SDK reads its own variables), or `ref` to a client made elsewhere."""

    base_url: tuple[ValueFact, ...]
    ref: str = ""
    known: bool = True  # False: the receiver could not be followed to a constructor
    wrapper: str = ""  # the function that wraps the client (`instructor.from_openai`)


@dataclass(frozen=True)
class CallFact:
    path: str
    line: int
    api: str  # the resource path below the client: "chat.completions", "embeddings"
    method: str
    client: ClientFact
    models: tuple[ValueFact, ...]
    params: tuple[tuple[str, tuple[ValueFact, ...]], ...]
    spread: bool = False  # the call passes **kwargs: some parameters are not seen
    cell: int = 0  # in a notebook: the code cell (line counts within it); 0 elsewhere


@dataclass
class FileFacts:
    path: str
    calls: list[CallFact] = field(default_factory=list)
    # module-level NAME -> its values, and NAME -> the client it holds
    constants: dict[str, tuple[ValueFact, ...]] = field(default_factory=dict)
    clients: dict[str, ClientFact] = field(default_factory=dict)
