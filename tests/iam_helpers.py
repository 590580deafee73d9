"""Small builders shared by the IAM tests."""

from __future__ import annotations

from typing import Any

from cwlint.iam.evaluator import Decision, Layer, Principal, Request, evaluate, normalize_context
from cwlint.iam.policy import parse_policy


def statement(effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any) -> dict:
    body: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    body.update(extra)
    return body


def policy(*statements: dict, version: str | None = "2012-10-17") -> dict:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def decide(
    documents: list[dict] | dict,
    action: str,
    resource: Any = "*",
    context: dict[str, Any] | None = None,
    boundary: dict | None = None,
    scps: list[list[dict]] | None = None,
    principal: Principal | None = None,
    require_resource: bool = True,
) -> Decision:
    if isinstance(documents, dict):
        documents = [documents]
    identity = [
        parse_policy(d, f"p{i}", require_resource=require_resource)
        for i, d in enumerate(documents)
    ]
    guards = []
    if boundary is not None:
        guards.append(Layer("permissions_boundary", (parse_policy(boundary, "boundary"),)))
    for level, docs in enumerate(scps or [], start=1):
        guards.append(
            Layer(f"scp[{level}]", tuple(parse_policy(d, f"scp{level}") for d in docs))
        )
    request = Request(action, resource, normalize_context(context), principal)
    return evaluate(request, identity, guards)
