"""The shipped IAM action catalogue, on the real data (no mocks)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwlint.iam import actions
from cwlint.iam.actions import (
    SERVICES_COVERED,
    ActionCatalogue,
    action_exists,
    canonical,
    covers,
    expand,
    load_action_catalogue,
    suggest,
)
from cwlint.iam.managed import load_managed_policies

ROOT = Path(__file__).resolve().parents[1]

# What the rules need to exist, spelled as AWS documents them.
MONITORING_ACTIONS = [
    "cloudwatch:PutMetricData",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:GetMetricData",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
    "logs:PutRetentionPolicy",
    "logs:TagResource",
    "ssm:GetParameter",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "ec2:DescribeTags",
    "ec2:DescribeVolumes",
    "oam:CreateLink",
    "xray:PutTraceSegments",
]


def test_first_load_time() -> None:
    start = time.perf_counter()
    catalogue = load_action_catalogue.__wrapped__()
    elapsed = time.perf_counter() - start
    total = sum(len(catalogue.actions(s)) for s in catalogue.services)
    print(f"\nfirst load of actions.json.gz: {elapsed * 1000:.1f} ms, {total} actions")
    assert total > 1000


def test_catalogue_lists_exactly_the_covered_services() -> None:
    assert load_action_catalogue().services == sorted(SERVICES_COVERED)
    assert load_action_catalogue().generated_from


@pytest.mark.parametrize("action", MONITORING_ACTIONS)
def test_real_actions_exist_in_canonical_casing(action: str) -> None:
    assert action_exists(action) is True
    assert action_exists(action.upper()) is True
    assert action_exists(action.lower()) is True
    assert canonical(action.lower()) == action
    assert canonical(action.upper()) == action
    assert suggest(action) is None


def test_near_miss_that_is_real() -> None:
    assert action_exists("logs:putlogevents") is True
    assert canonical("logs:putlogevents") == "logs:PutLogEvents"
    assert suggest("logs:putlogevents") is None


@pytest.mark.parametrize(
    ("typo", "closest"),
    [
        ("cloudwatch:PutMetricsData", "cloudwatch:PutMetricData"),
        ("logs:PutLogEvent", "logs:PutLogEvents"),
        ("logs:CreateLogStreams", "logs:CreateLogStream"),
        ("logs:createloggroups", "logs:CreateLogGroup"),
        ("CloudWatch:PutMetricAlarms", "cloudwatch:PutMetricAlarm"),
        ("ssm:GetParameterss", "ssm:GetParameters"),
    ],
)
def test_nonexistent_actions_and_suggestions(typo: str, closest: str) -> None:
    assert action_exists(typo) is False
    assert suggest(typo) == closest
    assert canonical(typo) == typo


def test_no_suggestion_when_nothing_is_close() -> None:
    assert action_exists("logs:Frobnicate") is False
    assert suggest("logs:Frobnicate") is None
    assert suggest("logs:") is None


def test_uncovered_service_is_unknown() -> None:
    assert covers("logs") and covers("CloudWatch") and not covers("s3")
    assert action_exists("s3:GetObject") is None
    assert action_exists("s3:Get*") is None
    assert expand("s3:Get*") == []
    assert suggest("s3:GetObjekt") is None
    assert canonical("s3:getobject") == "s3:getobject"


def test_malformed_actions() -> None:
    assert action_exists("PutMetricData") is None
    assert action_exists("logs:") is False
    assert expand("PutMetricData") == []


def test_wildcard_expansion() -> None:
    puts = expand("logs:Put*")
    assert {"logs:PutLogEvents", "logs:PutRetentionPolicy"} <= set(puts)
    assert all(a.lower().startswith("logs:put") for a in puts)
    assert expand("cloudwatch:Put?etricData") == ["cloudwatch:PutMetricData"]
    assert expand("LOGS:putlogevents") == ["logs:PutLogEvents"]
    assert set(expand("logs:*")) == set(load_action_catalogue().actions("logs"))
    assert "cloudwatch:PutMetricData" in expand("*:PutMetricData")
    assert len(expand("*")) == sum(
        len(load_action_catalogue().actions(s)) for s in SERVICES_COVERED
    )


def test_wildcard_existence() -> None:
    assert action_exists("logs:Put*") is True
    assert action_exists("cloudwatch:*") is True
    assert action_exists("cloudwatch:Put?etricData") is True
    assert action_exists("*") is True
    assert action_exists("logs:PutLogEvent?") is True
    assert action_exists("cloudwatch:PutMetricsData*") is False
    assert action_exists("logs:Zz*") is False
    assert action_exists("*:NoSuchActionAnywhere") is None  # could be an uncovered service
    assert suggest("logs:Put*") is None


def test_managed_policies_use_only_real_actions() -> None:
    """Every concrete covered action in the shipped managed policies is in the catalogue."""
    unknown: set[str] = set()
    for name in load_managed_policies().names():
        statements = load_managed_policies().get(name).document["Statement"]  # type: ignore[union-attr]
        for statement in [statements] if isinstance(statements, dict) else statements:
            for key in ("Action", "NotAction"):
                values = statement.get(key, [])
                for action in [values] if isinstance(values, str) else values:
                    if covers(action.partition(":")[0]) and action_exists(action) is False:
                        unknown.add(action)
    assert not unknown


def test_every_catalogued_action_round_trips() -> None:
    for service in SERVICES_COVERED:
        for action in load_action_catalogue().actions(service):
            assert action_exists(action.swapcase()) is True
            assert canonical(action.swapcase()) == action


@settings(deadline=None)
@given(data=st.data())
def test_a_pattern_made_from_an_action_matches_it(data: st.DataObject) -> None:
    service = data.draw(st.sampled_from(SERVICES_COVERED))
    action = data.draw(st.sampled_from(load_action_catalogue().actions(service)))
    name = action.partition(":")[2]
    chars = [data.draw(st.sampled_from([c, c.swapcase(), "?", "*"])) for c in name]
    pattern = f"{service}:{''.join(chars)}"
    assert action in expand(pattern)
    assert action_exists(pattern) is True


def test_refresh_script_regenerates_a_loadable_catalogue(tmp_path: Path) -> None:
    output = tmp_path / "actions.json.gz"
    result = subprocess.run(
        [sys.executable, "scripts/refresh_actions.py", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalogue = actions.load_action_catalogue(output)
    assert catalogue.services == sorted(SERVICES_COVERED)
    assert catalogue.action_exists("cloudwatch:putmetricdata") is True
    assert catalogue.canonical("logs:putlogevents") == "logs:PutLogEvents"


def _reference_match(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.IGNORECASE | re.DOTALL) is not None


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(
        st.text("abAB", min_size=1, max_size=8), min_size=1, max_size=6, unique_by=str.lower
    ),
    pattern=st.text("aAb*?", max_size=8),
)
def test_wildcards_match_like_a_reference_glob(names: list[str], pattern: str) -> None:
    catalogue = ActionCatalogue({"svc": names})
    expected = sorted((f"svc:{n}" for n in names if _reference_match(pattern, n)), key=str.lower)
    assert catalogue.expand(f"svc:{pattern}") == expected


def test_many_stars_do_not_backtrack() -> None:
    """A naive ``.*`` regex would take exponential time here; the matcher answers at once."""
    start = time.perf_counter()
    assert expand("ec2:" + "*?" * 30 + "x") == []
    assert action_exists("ec2:" + "*?" * 30 + "x") is False
    print(f"\n30-star pattern over ec2: {(time.perf_counter() - start) * 1000:.1f} ms")
