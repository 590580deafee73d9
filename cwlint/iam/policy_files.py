"""Policy documents read from JSON files (``cwlint iam simulate --policy``, and the
``external_policies`` of a configuration).

A file holds one policy document or a JSON list of them, or what the AWS CLI prints for
``get-policy-version`` or ``get-role-policy``.
"""

from __future__ import annotations

import json
from typing import Any

from cwlint.errors import UsageError
from cwlint.iam.policy import Policy, PolicyError, parse_policy


def load_policy_file(path: str, role: str) -> list[Policy]:
    """Read one file of policy documents; raise UsageError with the file named."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    documents = data if isinstance(data, list) else [data]
    policies = []
    for number, document in enumerate(documents):
        name = path if len(documents) == 1 else f"{path}[{number}]"
        try:
            policies.append(parse_policy(_unwrap(document), name))
        except PolicyError as exc:
            raise UsageError(str(exc)) from None
    if not policies:
        raise UsageError(f"{path}: no policy document in the file")
    return policies


def _unwrap(document: Any) -> Any:
    """Accept what ``aws iam get-policy-version`` / ``get-role-policy`` print."""
    if isinstance(document, dict):
        if isinstance(document.get("PolicyVersion"), dict):
            return document["PolicyVersion"].get("Document")
        if "PolicyDocument" in document and "Statement" not in document:
            return document["PolicyDocument"]
    return document
