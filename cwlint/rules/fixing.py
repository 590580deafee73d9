"""Attaching a fix as data to a finding (its text is rendered per input by the engine)."""

from __future__ import annotations

from msgspec.structs import replace

from cwlint.findings import Finding
from cwlint.fixes import Fix
from cwlint.model import KmsKey

#: The Sid of the one statement of the key policy AWS gives a key created without one.
DEFAULT_KEY_SID = "Enable IAM User Permissions"


def with_fix(finding: Finding, fix: Fix) -> Finding:
    """``finding`` carrying ``fix`` (:mod:`cwlint.fixes.render` writes its text)."""
    return replace(finding, fix_data=fix)


def default_key_statements(key: KmsKey) -> tuple[dict[str, object], ...]:
    """The statement of the key policy AWS gives a key created without one, when that is
    the key's policy (its only statement, as AWS writes it); empty otherwise. A fix that
    adds to such a key's policy writes the whole policy, this statement first, so that the
    account keeps its access to the key."""
    if not key.default_policy or key.policy is None or len(key.policy.statements) != 1:
        return ()
    statement = key.policy.statements[0]
    principal = next(iter(statement.principals or ()), None)
    if statement.sid != DEFAULT_KEY_SID or principal is None or principal.kind != "AWS" \
            or not isinstance(principal.value, str):
        return ()
    return ({"Sid": DEFAULT_KEY_SID, "Effect": "Allow", "Principal": {"AWS": principal.value},
             "Action": "kms:*", "Resource": "*"},)
