"""CWL043 on custom metrics: an alarm on a namespace the input's workloads publish to is
not judged; on one they publish to under a near name, it is reported; on any, when a
workload's namespace is not known statically, it is not judged (never a guess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROLE = """
variable "ns" {
  type = string
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}
"""

FUNCTION = """
resource "aws_lambda_function" "@NAME@" {
  function_name = "@NAME@"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      METRICS_NAMESPACE = @NS@
    }
  }
}
"""

ALARM = """
resource "aws_cloudwatch_metric_alarm" "@ALARM@" {
  alarm_name          = "@ALARM@"
  namespace           = "Orders"
  metric_name         = "@METRIC@"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
}
"""


def cwl043(tmp_path: Path, *namespaces: str) -> list[str]:
    """The messages of CWL043 on two alarms on ``Orders`` and one function per namespace
    (``aws_lambda_function.f0`` ...), each publishing to one of ``namespaces``."""
    functions = "".join(FUNCTION.replace("@NAME@", f"f{n}").replace("@NS@", namespace)
                        for n, namespace in enumerate(namespaces))
    alarms = "".join(ALARM.replace("@ALARM@", name).replace("@METRIC@", metric)
                     for name, metric in (("latency", "Latency"), ("errors", "Errors")))
    (tmp_path / "main.tf").write_text(ROLE + functions + alarms)
    command = [str(Path(sys.executable).with_name("cwlint")), "scan", "--format", "json",
               str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return [f["message"] for f in json.loads(done.stdout)["findings"]
            if f["rule_id"] == "CWL043"]


def test_alarms_on_a_near_miss_of_the_published_namespace_are_reported(tmp_path: Path
                                                                        ) -> None:
    messages = cwl043(tmp_path, '"orders"', '"Billing"')
    assert len(messages) == 2
    for alarm, message in zip(("latency", "errors"), messages, strict=True):
        assert message.startswith(f"alarm aws_cloudwatch_metric_alarm.{alarm} watches ")
        assert "aws_lambda_function.f0 publishes to namespace orders, not Orders" in message


@pytest.mark.parametrize("namespace", ['"Orders"', "var.ns"], ids=["same", "unknown"])
def test_alarms_on_a_namespace_a_workload_may_publish_to_are_not_judged(
        tmp_path: Path, namespace: str) -> None:
    """Beside the near miss ``orders``, a function publishing to ``Orders``, or to a
    namespace that is not known statically, may publish the alarms' metrics."""
    assert cwl043(tmp_path, '"orders"', namespace) == []
