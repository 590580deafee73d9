"""Policy documents as CloudFormation, Terraform and plain JSON give them.

:func:`parse_policy` accepts a document as a mapping or a JSON string, with ``Statement``
as one object or a list, ``Action``/``Resource``/``Principal`` values as a string or a
list, ``NotAction``/``NotResource``/``NotPrincipal``, and the language ``Version``
(policy variables exist only in ``2012-10-17``; with no ``Version``, ``2008-10-17``
applies and ``${...}`` is literal text).

Pieces a front end could not resolve stay :class:`~cwlint.values.Unknown` inside the parsed
policy, so that the evaluator can answer *unknown* where they matter. A document that AWS
itself would reject raises :class:`PolicyError` with a one-line reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from cwlint.iam.operators import OperatorError, parse_operator
from cwlint.iam.patterns import Tokens, tokenize
from cwlint.values import Partial, StrValue, Unknown, render_scalar

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
_STATEMENT_KEYS = {
    "sid",
    "effect",
    "action",
    "notaction",
    "resource",
    "notresource",
    "principal",
    "notprincipal",
    "condition",
}


class PolicyError(ValueError):
    """A policy document that AWS would reject, or that is not a policy at all."""


class Condition(msgspec.Struct, frozen=True):
    """One ``operator -> key -> values`` entry of a statement's ``Condition`` block."""

    operator: str
    key: str  # lower-cased: condition keys are case-insensitive
    values: tuple[StrValue, ...] | Unknown

    def describe(self) -> str:
        if isinstance(self.values, Unknown):
            shown = str(self.values)
        else:
            shown = ", ".join(repr(str(v)) for v in self.values)
        return f"{self.operator} {self.key} = [{shown}]"


class PrincipalEntry(msgspec.Struct, frozen=True):
    """One principal of a resource policy: ``kind`` is AWS, Service, Federated, ... or *."""

    kind: str
    value: StrValue


class Statement(msgspec.Struct, frozen=True):
    index: int
    sid: str | None
    effect: str | Unknown  # "Allow" or "Deny"
    actions: tuple[Tokens, ...] | None
    not_actions: tuple[Tokens, ...] | None
    resources: tuple[Tokens, ...] | None  # None: no Resource element (resource policies)
    not_resources: tuple[Tokens, ...] | None
    principals: tuple[PrincipalEntry, ...] | None
    not_principals: tuple[PrincipalEntry, ...] | None
    conditions: tuple[Condition, ...] | Unknown
    raw_actions: tuple[StrValue, ...] = ()
    raw_resources: tuple[StrValue, ...] = ()
    unknown: Unknown | None = None  # the whole statement could not be resolved

    @property
    def label(self) -> str:
        return self.sid if self.sid else f"statement {self.index}"


@dataclass(frozen=True)
class Policy:
    """A parsed policy; ``name`` is how messages refer to it, ``origin`` is for the caller."""

    name: str
    version: str
    statements: tuple[Statement, ...]
    origin: Any = field(default=None, compare=False, hash=False)

    @property
    def variables(self) -> bool:
        return self.version == VERSION_2012


def parse_policy(
    document: Any,
    name: str = "policy",
    *,
    require_resource: bool = True,
    origin: Any = None,
) -> Policy:
    """Parse ``document`` into a :class:`Policy`, or raise :class:`PolicyError`.

    ``require_resource`` is True for identity policies, permissions boundaries and SCPs,
    False for resource-based policies (key policies, endpoint policies) where a statement
    may leave ``Resource`` out.
    """
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if isinstance(document, (Unknown, Partial)):
        unknown = document if isinstance(document, Unknown) else Unknown(document.reason)
        return Policy(name, VERSION_2012, (_unknown_statement(0, unknown),), origin)
    if not isinstance(document, dict):
        raise PolicyError(f"{name}: a policy document must be an object")
    keys = {_key(k): k for k in document}
    version = document.get(keys.get("version", "Version"), VERSION_2008)
    if isinstance(version, (Unknown, Partial)):
        version = VERSION_2012
    if version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(f"{name}: unsupported policy Version {version!r}")
    if "statement" not in keys:
        raise PolicyError(f"{name}: the policy has no Statement")
    raw = document[keys["statement"]]
    items = raw if isinstance(raw, list) else [raw]
    statements = tuple(
        _parse_statement(item, index, version=version, name=name, require_resource=require_resource)
        for index, item in enumerate(items)
    )
    return Policy(name, version, statements, origin)


def _key(key: Any) -> str:
    return str(key).lower()


def _unknown_statement(index: int, unknown: Unknown) -> Statement:
    return Statement(
        index=index,
        sid=None,
        effect=unknown,
        actions=((unknown,),),
        not_actions=None,
        resources=((unknown,),),
        not_resources=None,
        principals=None,
        not_principals=None,
        conditions=unknown,
        unknown=unknown,
    )


def _parse_statement(
    item: Any, index: int, *, version: str, name: str, require_resource: bool
) -> Statement:
    if isinstance(item, Unknown):
        return _unknown_statement(index, item)
    if isinstance(item, Partial):
        return _unknown_statement(index, Unknown(item.reason))
    where = f"{name}: statement {index}"
    if not isinstance(item, dict):
        raise PolicyError(f"{where}: a statement must be an object")
    fields = {_key(k): v for k, v in item.items()}
    extra = sorted(set(fields) - _STATEMENT_KEYS)
    if extra:
        raise PolicyError(f"{where}: unknown element {extra[0]!r}")
    sid = fields.get("sid")
    if sid is not None and not isinstance(sid, str):
        sid = str(sid)
    if sid:
        where = f"{name}: statement {sid!r}"
    effect = fields.get("effect")
    if effect is None:
        raise PolicyError(f"{where}: the statement has no Effect")
    if isinstance(effect, Partial):
        effect = Unknown(effect.reason)
    if not isinstance(effect, Unknown) and effect not in ("Allow", "Deny"):
        raise PolicyError(f"{where}: Effect must be Allow or Deny, not {effect!r}")
    if ("action" in fields) == ("notaction" in fields):
        raise PolicyError(f"{where}: the statement needs exactly one of Action or NotAction")
    if "resource" in fields and "notresource" in fields:
        raise PolicyError(f"{where}: the statement has both Resource and NotResource")
    if require_resource and "resource" not in fields and "notresource" not in fields:
        raise PolicyError(f"{where}: the statement has no Resource")
    if "principal" in fields and "notprincipal" in fields:
        raise PolicyError(f"{where}: the statement has both Principal and NotPrincipal")
    variables = version == VERSION_2012
    raw_actions = _strings(fields.get("action", fields.get("notaction")), where, "Action")
    raw_resources = _strings(fields.get("resource", fields.get("notresource")), where, "Resource")
    action_tokens = tuple(tokenize(a, variables=False) for a in raw_actions)
    resource_tokens = tuple(tokenize(r, variables=variables) for r in raw_resources)
    has_resource = "resource" in fields or "notresource" in fields
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        actions=action_tokens if "action" in fields else None,
        not_actions=action_tokens if "notaction" in fields else None,
        resources=resource_tokens if "resource" in fields else None,
        not_resources=resource_tokens if "notresource" in fields else None,
        principals=_principals(fields["principal"], where) if "principal" in fields else None,
        not_principals=(
            _principals(fields["notprincipal"], where) if "notprincipal" in fields else None
        ),
        conditions=_conditions(fields.get("condition"), where),
        raw_actions=raw_actions,
        raw_resources=raw_resources if has_resource else (),
    )


def _strings(value: Any, where: str, element: str) -> tuple[StrValue, ...]:
    if value is None:
        return ()
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    out: list[StrValue] = []
    for item in items:
        if isinstance(item, (str, Unknown, Partial)):
            out.append(item)
        elif isinstance(item, (dict, list)):
            raise PolicyError(f"{where}: {element} values must be strings")
        else:
            rendered = render_scalar(item)
            out.append(rendered)
    if not out and not isinstance(value, list):
        raise PolicyError(f"{where}: empty {element}")
    return tuple(out)


def _principals(value: Any, where: str) -> tuple[PrincipalEntry, ...]:
    if isinstance(value, (Unknown, Partial)):
        unknown = value if isinstance(value, Unknown) else Unknown(value.reason)
        return (PrincipalEntry("*", unknown),)
    if value == "*":
        return (PrincipalEntry("*", "*"),)
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: Principal must be \"*\" or an object")
    entries: list[PrincipalEntry] = []
    for kind, items in value.items():
        for item in _strings(items, where, "Principal"):
            entries.append(PrincipalEntry(str(kind), item))
    return tuple(entries)


def _conditions(value: Any, where: str) -> tuple[Condition, ...] | Unknown:
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Partial):
        return Unknown(value.reason)
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: Condition must be an object")
    out: list[Condition] = []
    for operator, block in value.items():
        try:
            parse_operator(str(operator))
        except OperatorError as exc:
            raise PolicyError(f"{where}: {exc}") from exc
        if isinstance(block, (Unknown, Partial)):
            reason = block if isinstance(block, Unknown) else Unknown(block.reason)
            out.append(Condition(str(operator), "", reason))
            continue
        if not isinstance(block, dict):
            raise PolicyError(f"{where}: Condition operator {operator} needs an object")
        for key, values in block.items():
            if isinstance(values, Unknown):
                out.append(Condition(str(operator), str(key).lower(), values))
                continue
            items = values if isinstance(values, list) else [values]
            rendered: list[StrValue] = []
            for item in items:
                if isinstance(item, (dict, list)):
                    raise PolicyError(f"{where}: condition values of {key} must be scalars")
                known = isinstance(item, (Unknown, Partial))
                rendered.append(item if known else render_scalar(item))
            out.append(Condition(str(operator), str(key).lower(), tuple(rendered)))
    return tuple(out)
