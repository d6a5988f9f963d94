"""The one-walk node index gives the answers LibCST's own machinery gives, on every
Python fixture (and the Python cells' worth of code in the test data)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, QualifiedNameProvider

from migrator.python.nodeindex import NodeIndex, child_nodes, iter_nodes

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in (ROOT / "fixtures").rglob("*.py")) + sorted(
    (ROOT / "migrator").rglob("*.py")
)


def parsed(path: Path) -> cst.Module | None:
    try:
        return cst.parse_module(path.read_bytes())
    except (cst.ParserSyntaxError, RecursionError):
        return None


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_parents_and_nodes_match_libcst(path: Path) -> None:
    module = parsed(path)
    if module is None:
        pytest.skip("LibCST cannot parse it (the pass reports MM901)")
    parents = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    index = NodeIndex(module)
    assert {(id(k), id(v)) for k, v in index.parents.items()} == {
        (id(k), id(v)) for k, v in parents.items()
    }
    assert {id(n) for n in index.nodes} == {id(module)} | {id(n) for n in parents}
    for node in index.nodes[:500]:
        assert {id(c) for c in child_nodes(node)} == {id(c) for c in node.children}


def test_qualified_names_asked_of_the_scope_match_the_provider() -> None:
    """What the transformer computes on demand is what QualifiedNameProvider holds."""
    from libcst.metadata import ScopeProvider

    code = (
        "import openai as oa\nfrom openai import OpenAI as C\nimport os.path\n"
        "class OpenAI: ...\nc = C()\nd = oa.OpenAI()\ne = OpenAI()\n"
        "def f(x=oa.AsyncOpenAI):\n    from openai import AzureOpenAI\n    return AzureOpenAI()\n"
    )
    wrapper = MetadataWrapper(cst.parse_module(code))
    provided = wrapper.resolve(QualifiedNameProvider)
    scopes = wrapper.resolve(ScopeProvider)
    for node in iter_nodes(wrapper.module):
        scope = scopes.get(node)
        on_demand = scope.get_qualified_names_for(node) if scope is not None else set()
        value = provided.get(node, set())
        value = value() if callable(value) else value  # the provider stores LazyValues
        assert {q.name for q in on_demand} == {q.name for q in value}
