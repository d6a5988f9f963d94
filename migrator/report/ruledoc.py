"""A rule's documentation, built from its catalog entry: one source for `explain`, the
SARIF rule help and the README, so the docs cannot drift from the tool (as in ruff)."""

from __future__ import annotations

from migrator.catalog import Rule


def _is_code(text: str) -> bool:
    """Whether a `use_instead` text is Python (shown as a code block) or advice (prose)."""
    try:
        compile(text, "<use_instead>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def _block(text: str, markdown: bool) -> str:
    if not markdown:
        return "\n".join(f"    {line}" for line in text.splitlines())
    return f"```python\n{text}\n```"


def fix_label(rule: Rule) -> str:
    return "available (`mistral-migrate fix`)" if rule.fixable else "none: manual review"


def rule_doc(rule: Rule, markdown: bool = True) -> str:
    """The ruff-style sections: what it does, why, example, use instead, fix safety, references."""
    heading = "# " if markdown else ""
    section = "## " if markdown else ""
    parts = [
        f"{heading}{rule.code}: {rule.title}",
        f"Severity: {rule.severity}. Fix: {fix_label(rule)}.",
    ]
    if rule.what:
        parts += [f"{section}What it does", rule.what]
    if rule.why:
        parts += [f"{section}Why is this bad?", rule.why]
    if rule.example:
        parts += [f"{section}Example", _block(rule.example, markdown)]
    if rule.use_instead:
        use = _block(rule.use_instead, markdown) if _is_code(rule.use_instead) else rule.use_instead
        parts += [f"{section}Use instead", use]
    if rule.fix_safety:
        parts += [f"{section}Fix safety", rule.fix_safety]
    if rule.references:
        parts += [f"{section}References", "\n".join(f"- {ref}" for ref in rule.references)]
    return "\n\n".join(parts) + "\n"
