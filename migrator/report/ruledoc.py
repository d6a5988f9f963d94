"""A rule's documentation, built from its catalog entry: one source for `explain`, the
SARIF rule help and the README, so the docs cannot drift from the tool (as in ruff)."""

from __future__ import annotations

from migrator.catalog import Rule


def _language(text: str) -> str | None:
    """The code block language of an example (`python` or `ts`), None for prose advice."""
    try:
        compile(text, "<example>", "exec")
        return "python"
    except (SyntaxError, ValueError):
        pass
    from migrator.javascript.syntax import first_error, parse  # tree-sitter: only for JS examples

    return (
        "ts" if first_error(parse(text.encode("utf-8"), "typescript").root_node) is None else None
    )


def _block(text: str, markdown: bool, language: str) -> str:
    if not markdown:
        return "\n".join(f"    {line}" for line in text.splitlines())
    return f"```{language}\n{text}\n```"


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
        parts += [
            f"{section}Example",
            _block(rule.example, markdown, _language(rule.example) or "python"),
        ]
    if rule.use_instead:
        language = _language(rule.use_instead)
        use = _block(rule.use_instead, markdown, language) if language else rule.use_instead
        parts += [f"{section}Use instead", use]
    if rule.fix_safety:
        parts += [f"{section}Fix safety", rule.fix_safety]
    if rule.references:
        parts += [f"{section}References", "\n".join(f"- {ref}" for ref in rule.references)]
    return "\n\n".join(parts) + "\n"
