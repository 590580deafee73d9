"""The network rules CWL010–CWL014: decisions about AWS that an expected file records but a
reviewer could accept by mistake when updating it. Each fixture's findings are in its
expected files (``tests/test_snapshots.py``)."""

from __future__ import annotations

from tests.scenario_scan import scan


def test_the_agent_is_not_asked_for_an_ec2_endpoint() -> None:
    """DescribeTags / DescribeVolumes serve only dimensions the agent's configuration asks
    for, which cwlint does not read: an endpoint for them is never demanded."""
    report = scan("fixtures/cwl010/fail-agent-ssm-config-no-ssm-endpoint/template.yaml")
    (finding,) = report["findings"]
    assert ".ec2" not in finding["message"] and ".ec2" not in finding["fix"]
    assert scan("fixtures/cwl010/near-miss-agent-no-ec2-endpoint/template.yaml")[
        "findings"] == []
