"""The language-neutral decision layer.

Each module here takes plain facts that a front end (Python, JavaScript/TypeScript,
notebooks, config files) read from syntax -- a model match, the role of a place, the state
of a client's connection, the parameters seen -- and returns a verdict: a finding code with
its message fields, and the replacement if any. Front ends turn syntax into facts and apply
verdicts; they hold no rule logic of their own, so a decision is written once.
"""
