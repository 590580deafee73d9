"""A finding is equal to, and hashed like, another with the same fields whatever its
``fix_data``: baselines, suppressions and the plugins compare findings, and the fix as
data is what the printed ``fix`` already says."""

from __future__ import annotations

import operator
import pickle

import pytest
from msgspec.structs import replace

from cwlint.findings import Finding, Related
from cwlint.fixes import Advice, Fix


def _finding(**changes: object) -> Finding:
    base = Finding("CWL001", "error", "denied", "main.tf", 3, "aws_lambda_function.a",
                   (Related("aws_iam_role.a", "main.tf", 9),), "fix text", 5)
    return replace(base, **changes)


def test_fix_data_is_left_out_of_equality_and_hash() -> None:
    plain = _finding()
    with_fix = _finding(fix_data=Fix(changes=(Advice("do this"),)))
    assert plain == with_fix
    assert operator.ne(plain, with_fix) is False  # != goes through Finding.__eq__ too
    assert hash(plain) == hash(with_fix)
    assert len({plain, with_fix}) == 1


@pytest.mark.parametrize("field, value", [
    ("rule_id", "CWL004"), ("severity", "warning"), ("message", "other"),
    ("file", "other.tf"), ("line", 4), ("resource", "aws_lambda_function.b"),
    ("related", ()), ("fix", None), ("column", 6),
])
def test_every_other_field_is_compared(field: str, value: object) -> None:
    assert _finding() != _finding(**{field: value})
    assert operator.eq(_finding(), _finding(**{field: value})) is False


def test_a_finding_is_never_equal_to_another_type() -> None:
    assert _finding() != ("CWL001",)
    assert _finding().__eq__(object()) is NotImplemented


def test_a_finding_survives_pickling_with_its_fix() -> None:
    found = _finding(fix_data=Fix(changes=(Advice("do this"),)))
    copy = pickle.loads(pickle.dumps(found))
    assert copy == found
    assert copy.fix_data == found.fix_data
