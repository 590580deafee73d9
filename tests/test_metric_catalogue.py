"""The catalogue of AWS metric names CWL043 reads (cwlint/data/cloudwatch_metrics.json.gz):
names only, per AWS/ namespace. What the rules find on their fixtures is in each scenario's
expected files (tests/test_snapshots.py)."""

from __future__ import annotations


def test_the_metric_catalogue_covers_aws_namespaces_by_name_only() -> None:
    from cwlint.rules.cwl043_alarm_metric_not_published import metric_catalogue

    catalogue = metric_catalogue()
    assert len(catalogue) >= 50 and all(ns.startswith("AWS/") for ns in catalogue)
    assert {"Errors", "Invocations", "Throttles", "Duration"} <= catalogue["AWS/Lambda"]
    assert "ApproximateAgeOfOldestMessage" in catalogue["AWS/SQS"]
