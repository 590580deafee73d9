"""Condition blocks, evaluated the way IAM documents them.

* Keys are case-insensitive; values are case-sensitive except for the ``IgnoreCase``
  operators.
* Several values for one key are ORed; several keys, and several operators, are ANDed.
* A negated operator (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``...) is the
  negation of its positive twin: true when the request value matches none of the values,
  and true when the key is absent from the request.
* ``...IfExists`` is true when the key is absent; otherwise the operator decides.
* ``ForAnyValue:`` is true when some request value satisfies the operator (false for an
  absent key); ``ForAllValues:`` when every request value does (true for an absent key).
* ``Null`` tests presence: ``"true"`` holds when the key is absent.
* Policy variables are substituted in the String and Arn families (version 2012-10-17).

A request value or a policy value that is unknown makes the result :data:`Tri.MAYBE`
when it could change the answer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache

from cwlint.iam.operators import Family, Operator, Qualifier, parse_operator
from cwlint.iam.patterns import Context, Mode, match, match_arn_components, substitute, tokenize
from cwlint.iam.policy import Condition
from cwlint.iam.tri import Tri, tri_all, tri_any
from cwlint.values import Partial, StrValue, Unknown


def evaluate_conditions(
    conditions: tuple[Condition, ...] | Unknown, context: Context, *, variables: bool
) -> Tri:
    """AND over every condition of a statement."""
    if isinstance(conditions, Unknown):
        return Tri.MAYBE
    return tri_all(evaluate_condition(c, context, variables=variables) for c in conditions)


def evaluate_condition(condition: Condition, context: Context, *, variables: bool) -> Tri:
    """One ``operator: {key: values}`` entry."""
    operator = _operator(condition.operator)
    present = context.get(condition.key)
    absent = present is None or (isinstance(present, list) and not present)
    if isinstance(condition.values, Unknown):
        # Whatever the policy values are, an absent key decides every operator but Null.
        return _absent(operator) if absent and operator.family is not Family.NULL else Tri.MAYBE
    if operator.family is Family.NULL:
        return _null(condition.values, present)
    if absent:
        return _absent(operator)
    if isinstance(present, Unknown):
        return Tri.MAYBE
    single = _single_value_test(operator, condition.values, context, variables)
    if operator.qualifier is Qualifier.ANY:
        return tri_any(single(v) for v in present)
    if operator.qualifier is Qualifier.ALL:
        return tri_all(single(v) for v in present)
    positive = tri_any(_positive_test(operator, condition.values, context, variables)(v)
                       for v in present)
    return ~positive if operator.negated else positive


@lru_cache(maxsize=512)
def _operator(name: str) -> Operator:
    return parse_operator(name)


def _absent(operator: Operator) -> Tri:
    if operator.if_exists or operator.qualifier is Qualifier.ALL:
        return Tri.YES
    if operator.qualifier is Qualifier.ANY:
        return Tri.NO
    return Tri.of(operator.negated)


def _null(values: tuple[StrValue, ...], present: object) -> Tri:
    if isinstance(present, Unknown):
        return Tri.MAYBE  # whether the request carries the key is not known either
    absent = present is None or (isinstance(present, list) and not present)
    results = []
    for value in values:
        if not isinstance(value, str):
            results.append(Tri.MAYBE)
        elif value.lower() == "true":
            results.append(Tri.of(absent))
        elif value.lower() == "false":
            results.append(Tri.of(not absent))
        else:
            results.append(Tri.NO)
    return tri_any(results)


ValueTest = Callable[[str | Unknown], Tri]


def _single_value_test(
    operator: Operator, values: tuple[StrValue, ...], context: Context, variables: bool
) -> ValueTest:
    """The test one request value must pass, negation included (for set qualifiers)."""
    positive = _positive_test(operator, values, context, variables)
    if operator.negated:
        return lambda v: ~positive(v)
    return positive


def _positive_test(
    operator: Operator, values: tuple[StrValue, ...], context: Context, variables: bool
) -> ValueTest:
    """Does one request value match any policy value under the positive operator?"""
    compare = _COMPARATORS[operator.family]

    def test(request_value: str | Unknown) -> Tri:
        return tri_any(
            compare(operator.positive, request_value, policy_value, context, variables)
            for policy_value in values
        )

    return test


def _compare_string(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    like = positive == "StringLike"
    tokens = substitute(tokenize(policy, variables=variables, wildcards=like), context)
    if tokens is None:
        return Tri.NO
    if positive == "StringEqualsIgnoreCase":
        return match(tokens, request, Mode.ACTION)
    return match(tokens, request, Mode.GLOB)


def _compare_arn(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    tokens = substitute(tokenize(policy, variables=variables), context)
    if tokens is None:
        return Tri.NO
    return match_arn_components(tokens, request)


def _known_pair(request: str | Unknown, policy: StrValue) -> tuple[str, str] | None:
    if isinstance(request, Unknown) or isinstance(policy, (Unknown, Partial)):
        return None
    return request, policy


def _compare_numeric(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    pair = _known_pair(request, policy)
    if pair is None:
        return Tri.MAYBE
    left, right = _number(pair[0]), _number(pair[1])
    if left is None or right is None:
        return Tri.NO
    return Tri.of(_ORDER[positive.removeprefix("Numeric")](left, right))


def _compare_date(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    pair = _known_pair(request, policy)
    if pair is None:
        return Tri.MAYBE
    left, right = _date(pair[0]), _date(pair[1])
    if left is None or right is None:
        return Tri.NO
    return Tri.of(_ORDER[positive.removeprefix("Date")](left, right))


def _compare_bool(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    pair = _known_pair(request, policy)
    if pair is None:
        return Tri.MAYBE
    return Tri.of(pair[0].lower() == pair[1].lower())


def _compare_binary(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    pair = _known_pair(request, policy)
    if pair is None:
        return Tri.MAYBE
    return Tri.of(pair[0] == pair[1])


def _compare_ip(
    positive: str, request: str | Unknown, policy: StrValue, context: Context, variables: bool
) -> Tri:
    pair = _known_pair(request, policy)
    if pair is None:
        return Tri.MAYBE
    try:
        address = ipaddress.ip_address(pair[0].strip())
        network = ipaddress.ip_network(pair[1].strip(), strict=False)
    except ValueError:
        return Tri.NO
    return Tri.of(address.version == network.version and address in network)


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

_COMPARATORS = {
    Family.STRING: _compare_string,
    Family.ARN: _compare_arn,
    Family.NUMERIC: _compare_numeric,
    Family.DATE: _compare_date,
    Family.BOOL: _compare_bool,
    Family.BINARY: _compare_binary,
    Family.IP: _compare_ip,
}


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _number(text: str) -> float | None:
    """A plain decimal number; ``inf``, ``nan``, ``1_000`` and ``1e3`` are not numbers."""
    text = text.strip()
    return float(text) if _DECIMAL.fullmatch(text) else None


def _date(text: str) -> float | None:
    """An ISO 8601 date/time or epoch seconds, as a UTC timestamp."""
    text = text.strip()
    try:
        return float(int(text))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()
