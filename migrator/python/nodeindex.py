"""One walk over a parsed module: every node, and each node's parent.

LibCST's `ParentNodeProvider` and a walk over `node.children` give the same facts, but
both go through the visitor machinery (`children` runs a small visit each time it is
read), which on real files cost as much as the parse. The rule passes ask for parents
and for every node of the module several times per file (module settings, legacy
names, attributes holding a client, once per client resolver); this walk answers all
of them from one pass over the nodes' dataclass fields. `tests/test_nodeindex.py`
checks on every fixture that it finds the same parents and nodes as LibCST does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import libcst as cst

# node class -> the names of its fields (a node's children are its node-valued fields)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's children, as `node.children` has them, without a visit."""
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


class NodeIndex:
    """Every node below `root` (pre-order) and the parent of each (the root has none)."""

    def __init__(self, root: cst.CSTNode) -> None:
        self.root = root
        self.nodes: list[cst.CSTNode] = []
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        parents = self.parents
        nodes = self.nodes
        stack: list[cst.CSTNode] = [root]
        while stack:
            node = stack.pop()
            nodes.append(node)
            children = list(child_nodes(node))
            for child in children:
                parents[child] = node
            children.reverse()
            stack.extend(children)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)


_last: NodeIndex | None = None


def node_index(root: cst.CSTNode) -> NodeIndex:
    """The index of `root`, built once while `root` is the tree being looked at."""
    global _last
    if _last is None or _last.root is not root:
        _last = NodeIndex(root)
    return _last


def iter_nodes(root: cst.CSTNode) -> Sequence[cst.CSTNode] | Iterator[cst.CSTNode]:
    """Every node below `root`, `root` first: the module's index for a whole module
    (walked once per file), a plain walk of a small subtree otherwise."""
    if isinstance(root, cst.Module):
        return node_index(root).nodes
    return _walk(root)


def _walk(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        children = list(child_nodes(node))
        children.reverse()
        stack.extend(children)
