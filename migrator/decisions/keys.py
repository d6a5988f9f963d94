"""A literal given as a client's API key, on a connection that moves to Mistral.

Either way the literal leaves the code (the migrated client needs the Mistral key from the
environment); what differs is what the finding says. A value shaped like a real key is a
committed secret (MM102, error: revoke it); a placeholder (`"test-key"`,
`"ADD YOUR KEY HERE"`, `"sk-..."`) is not, and calling it one trains people to ignore the
error, so it is MM119 (info).
"""

from __future__ import annotations

from migrator.secrets import is_real_key

COMMITTED_KEY = "MM102"
PLACEHOLDER_KEY = "MM119"


def literal_key_code(value: str) -> str:
    """The finding for a literal key that the rewrite replaces by an environment read."""
    return COMMITTED_KEY if is_real_key(value) else PLACEHOLDER_KEY
