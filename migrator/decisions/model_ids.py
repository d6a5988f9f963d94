"""May this model id change?

An OpenAI model id is rewritten to a Mistral one only where the tool can show it is sent
through an endpoint this run moves to Mistral: an argument of a call on a client that moves
(`migrator.decisions.connection`), of a framework object that moves, or a name (constant,
settings field, dict entry, parameter default, env default) that such a call reads. Where
the destination is unknown, the id stays and MM212 says so; where it is known to be a
client that stays (another provider, Azure, a bound client), the id stays and MM213 names
that client. A Mistral id sent to OpenAI is a 404; an OpenAI id sent to Mistral is a 400
with a finding that already says why, so the tool errs on the side of leaving ids alone.

The setting `rewrite-models = "all"` widens this for users who want every id in a naming
position rewritten (the behaviour before precision): ids of unknown destination are then
rewritten; ids known to go elsewhere never are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Where the id is sent, as the front end could show it:
#   mistral  through a connection this run moves to Mistral
#   stays    through a connection that stays (another provider, Azure, bound, absent APIs)
#   unknown  no call the tool can see reads it, or only calls on a client it cannot follow
Destination = Literal["mistral", "stays", "unknown"]
Mode = Literal["proven", "all"]
MODES: tuple[Mode, ...] = ("proven", "all")


@dataclass(frozen=True)
class IdVerdict:
    rewrite: bool
    # the finding that says why the id stays (None when rewritten)
    code: str | None = None
    reason: str = ""


def judge_model_id(destination: Destination, reason: str, mode: Mode = "proven") -> IdVerdict:
    """Whether an id in a position that names the model is rewritten, else which finding."""
    if destination == "mistral":
        return IdVerdict(True)
    if destination == "stays":
        return IdVerdict(False, "MM213", reason)
    if mode == "all":
        return IdVerdict(True)
    return IdVerdict(False, "MM212", reason or "no call this run moves to Mistral reads it")


def merge(
    first: tuple[Destination, str], second: tuple[Destination, str]
) -> tuple[Destination, str]:
    """An id that reaches two clients: it moves only if both move (a change would break the
    one that stays); the staying one's reason wins."""
    order = {"stays": 0, "unknown": 1, "mistral": 2}
    return first if order[first[0]] <= order[second[0]] else second
