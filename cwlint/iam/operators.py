"""The names of IAM condition operators, split into what each part means.

``ForAllValues:StringNotLikeIfExists`` is the set qualifier ``ForAllValues``, the base
operator ``StringNotLike`` (the negation of ``StringLike``) and the ``IfExists`` suffix.
"""

from __future__ import annotations

import enum

import msgspec


class Family(enum.Enum):
    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Bool"
    BINARY = "Binary"
    IP = "IpAddress"
    ARN = "Arn"
    NULL = "Null"


class Qualifier(enum.Enum):
    NONE = ""
    ANY = "ForAnyValue"
    ALL = "ForAllValues"


class Operator(msgspec.Struct, frozen=True):
    """A parsed operator: ``positive`` is the base comparison that a negated one inverts."""

    name: str  # as written in the policy
    family: Family
    positive: str  # e.g. "StringLike" for StringNotLike
    negated: bool
    if_exists: bool
    qualifier: Qualifier


# base name -> (family, positive comparison it is or negates, negated?)
_BASES: dict[str, tuple[Family, str, bool]] = {
    "stringequals": (Family.STRING, "StringEquals", False),
    "stringnotequals": (Family.STRING, "StringEquals", True),
    "stringequalsignorecase": (Family.STRING, "StringEqualsIgnoreCase", False),
    "stringnotequalsignorecase": (Family.STRING, "StringEqualsIgnoreCase", True),
    "stringlike": (Family.STRING, "StringLike", False),
    "stringnotlike": (Family.STRING, "StringLike", True),
    "numericequals": (Family.NUMERIC, "NumericEquals", False),
    "numericnotequals": (Family.NUMERIC, "NumericEquals", True),
    "numericlessthan": (Family.NUMERIC, "NumericLessThan", False),
    "numericlessthanequals": (Family.NUMERIC, "NumericLessThanEquals", False),
    "numericgreaterthan": (Family.NUMERIC, "NumericGreaterThan", False),
    "numericgreaterthanequals": (Family.NUMERIC, "NumericGreaterThanEquals", False),
    "dateequals": (Family.DATE, "DateEquals", False),
    "datenotequals": (Family.DATE, "DateEquals", True),
    "datelessthan": (Family.DATE, "DateLessThan", False),
    "datelessthanequals": (Family.DATE, "DateLessThanEquals", False),
    "dategreaterthan": (Family.DATE, "DateGreaterThan", False),
    "dategreaterthanequals": (Family.DATE, "DateGreaterThanEquals", False),
    "bool": (Family.BOOL, "Bool", False),
    "binaryequals": (Family.BINARY, "BinaryEquals", False),
    "ipaddress": (Family.IP, "IpAddress", False),
    "notipaddress": (Family.IP, "IpAddress", True),
    "arnequals": (Family.ARN, "ArnLike", False),
    "arnlike": (Family.ARN, "ArnLike", False),
    "arnnotequals": (Family.ARN, "ArnLike", True),
    "arnnotlike": (Family.ARN, "ArnLike", True),
    "null": (Family.NULL, "Null", False),
}


class OperatorError(ValueError):
    """An operator name IAM does not know."""


def parse_operator(name: str) -> Operator:
    """Split an operator name; raise :class:`OperatorError` for one IAM would reject."""
    rest = name
    qualifier = Qualifier.NONE
    if ":" in rest:
        prefix, rest = rest.split(":", 1)
        for candidate in (Qualifier.ANY, Qualifier.ALL):
            if prefix.lower() == candidate.value.lower():
                qualifier = candidate
                break
        else:
            raise OperatorError(f"unknown condition operator {name!r}")
    if_exists = rest.lower().endswith("ifexists")
    base = rest[: -len("IfExists")] if if_exists else rest
    spec = _BASES.get(base.lower())
    if spec is None:
        raise OperatorError(f"unknown condition operator {name!r}")
    family, positive, negated = spec
    if family is Family.NULL and (if_exists or qualifier is not Qualifier.NONE):
        raise OperatorError(f"the Null operator takes no IfExists or set qualifier: {name!r}")
    return Operator(name, family, positive, negated, if_exists, qualifier)
