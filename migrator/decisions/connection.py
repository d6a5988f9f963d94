"""Does this connection move to Mistral?

A rewrite is a transaction on one connection: the API key, the base URL and the model ids
sent through a client change together, or none of them changes and a finding says why.
This module is that verdict, from plain facts a front end reads off a client constructor
(Python `OpenAI(...)`, JS `new OpenAI({...})`) or the SDK's module settings: where its base
URL points, whether a keyword binds it to something other than a base URL and a key
(`provider=`, `workload_identity=`), whether it is an Azure client, and which APIs the calls
made through it reach. The front end applies the verdict: it rewrites the key and base URL
only when `moves`, reports `code` on the client otherwise, and hands `reason` to the model
ids sent through it (see `migrator.decisions.model_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Where a client's base URL points, as far as the front end can tell:
#   absent    no base URL given (the SDK reads OPENAI_BASE_URL; the rewrite adds one)
#   openai    OpenAI's API host, literally or through an OpenAI variable (OPENAI_BASE_URL)
#   mistral   Mistral's endpoint already
#   elsewhere another host (a local server, a gateway, another provider), or another
#             provider's variable (GROQ_BASE_URL); `shown` says which
#   bound     an OpenAI host that is not the plain API (the mTLS host); `shown` says why
#   unknown   an expression the tool cannot follow (a settings object, a function call)
BaseKind = Literal["absent", "openai", "mistral", "elsewhere", "bound", "unknown"]

# What the client is: an SDK client, an Azure one (built from deployments), or the SDK
# module's own client (`openai.api_key = ...`, `openai.chat.completions.create(...)`).
ClientKind = Literal["client", "azure", "module"]

# API statuses (rules/apis.toml) under which a call is not shown to work on Mistral: the API
# is missing from its endpoint, or only found outside its documentation (the Responses API,
# in one SDK release). A client whose every call has one of these stays whole: moving it
# could only be shown to turn each call into an error.
NOT_SHOWN = frozenset({"absent", "unverified"})


@dataclass(frozen=True)
class ConnectionFacts:
    kind: ClientKind
    base: BaseKind = "absent"
    # how a finding names the base URL (the URL, the variable, the expression) or the binding
    shown: str = ""
    # constructor keyword that binds the client elsewhere -> why (from the data)
    bound_by: tuple[str, str] | None = None
    # the API of every call made through this client that the front end resolved, each
    # with its status on Mistral from rules/apis.toml ("absent", "unverified", "partial",
    # "compatible", ...); empty when no call was seen
    apis: tuple[tuple[str, str], ...] = ()
    # module settings only: whether this file sets the module's API key or base URL
    module_configured: bool = False
    # where the client is, for the reason given to the ids sent through it ("line 4")
    where: str = ""


@dataclass(frozen=True)
class ConnectionVerdict:
    moves: bool
    # the finding on the client when it stays (None when another rule already reports it:
    # MM105 for a base URL elsewhere, MM107 for Azure, MM108 for an unknown expression)
    code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    # why the model ids sent through this client stay; "" when it moves
    reason: str = ""
    # whether the ids sent through it have an unknown destination (MM212) rather than one
    # that is known not to be Mistral (MM213)
    unknown: bool = False


def judge_connection(facts: ConnectionFacts) -> ConnectionVerdict:
    """Whether the connection moves, and if not, what is reported and why."""
    client = f"the client {facts.where}".strip()
    if facts.kind == "azure":
        return ConnectionVerdict(False, None, reason=f"{client} is an Azure client (MM107)")
    if facts.bound_by is not None:
        _keyword, why = facts.bound_by
        return ConnectionVerdict(
            False, "MM122", {"binding": why}, reason=f"{client} is bound to {why}"
        )
    if facts.base == "bound":
        return ConnectionVerdict(
            False, "MM122", {"binding": facts.shown}, reason=f"{client} is bound to {facts.shown}"
        )
    if facts.base == "elsewhere":
        return ConnectionVerdict(False, None, reason=f"{client} points at {facts.shown}")
    if facts.base == "unknown":
        return ConnectionVerdict(
            False,
            None,
            reason=f"{client} takes its base URL from {facts.shown}, which the tool cannot follow",
            unknown=True,
        )
    if facts.kind == "module" and not facts.module_configured and facts.base == "absent":
        return ConnectionVerdict(
            False,
            None,
            reason="it goes through the openai module's own client, which this file does not "
            "configure (it reads OPENAI_BASE_URL where it runs)",
            unknown=True,
        )
    if facts.apis and all(status in NOT_SHOWN for _api, status in facts.apis):
        names = ", ".join(sorted({api for api, _status in facts.apis}))
        return ConnectionVerdict(
            False,
            "MM123",
            {"apis": names},
            reason=f"{client} only calls APIs Mistral lacks or does not document ({names})",
        )
    return ConnectionVerdict(True)
