"""``cwlint iam simulate`` run as a user runs it: the installed command, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "iam" / "metrics-namespace-policy.json"
STREAM = "arn:aws:logs:us-east-1:123456789012:log-group:/myapp/orders:log-stream:web-1"


def cwlint(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def simulate_json(*args: str) -> dict:
    result = cwlint("iam", "simulate", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_allowed_with_namespace() -> None:
    out = simulate_json("--policy", str(FIXTURE), "--action", "cloudwatch:PutMetricData",
                        "--resource", "*", "--context", "cloudwatch:namespace=Orders")
    assert out["decision"] == "allowed"
    assert out["statements"][0]["sid"] == "PublishOrdersMetrics"


def test_namespace_case_differs_is_implicit_deny() -> None:
    out = simulate_json("--policy", str(FIXTURE), "--action", "cloudwatch:PutMetricData",
                        "--context", "cloudwatch:namespace=orders")
    assert out["decision"] == "implicit_deny"
    assert out["statements"] == []


def test_trailing_star_group_grant_covers_streams() -> None:
    out = simulate_json("--policy", str(FIXTURE), "--action", "logs:PutLogEvents",
                        "--resource", STREAM)
    assert out["decision"] == "allowed"


def test_several_actions_and_resources_answer_each_combination() -> None:
    out = simulate_json("--policy", str(FIXTURE), "--action", "logs:PutLogEvents",
                        "--action", "logs:CreateLogStream", "--resource", STREAM,
                        "--resource", "arn:aws:logs:us-east-1:1:log-group:/other:log-stream:x")
    assert [(r["action"], r["decision"]) for r in out["results"]] == [
        ("logs:PutLogEvents", "allowed"), ("logs:PutLogEvents", "implicit_deny"),
        ("logs:CreateLogStream", "allowed"), ("logs:CreateLogStream", "implicit_deny"),
    ]
    assert out["decision"] == "implicit_deny"


def test_boundary_and_scp(tmp_path: Path) -> None:
    allow_all = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    deny_metrics = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoMetrics", "Effect": "Deny", "Action": "cloudwatch:PutMetricData",
         "Resource": "*"}]}
    logs_only = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    identity = write(tmp_path, "identity.json", allow_all)
    scp = simulate_json("--policy", identity, "--action", "cloudwatch:PutMetricData",
                        "--scp", write(tmp_path, "scp.json", deny_metrics))
    assert scp["decision"] == "explicit_deny"
    assert scp["statements"][0]["layer"] == "scp[1]"
    assert scp["statements"][0]["sid"] == "NoMetrics"
    boundary = simulate_json("--policy", identity, "--action", "cloudwatch:PutMetricData",
                             "--boundary", write(tmp_path, "boundary.json", logs_only))
    assert boundary["decision"] == "implicit_deny"
    assert boundary["missing_allow"] == ["permissions_boundary"]


def test_aws_cli_get_policy_version_output_is_accepted(tmp_path: Path) -> None:
    wrapped = {"PolicyVersion": {"VersionId": "v1", "Document": json.loads(FIXTURE.read_text())}}
    out = simulate_json("--policy", write(tmp_path, "v.json", wrapped), "--action",
                        "logs:PutLogEvents", "--resource", STREAM)
    assert out["decision"] == "allowed"


def test_text_output() -> None:
    result = cwlint("iam", "simulate", "--policy", str(FIXTURE), "--action",
                    "logs:PutLogEvents", "--resource", STREAM)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == f"logs:PutLogEvents on {STREAM}: allowed"
    assert "WriteOwnLogs" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", ":1: invalid JSON"),
        (json.dumps({"Statement": [{"Action": "logs:*", "Resource": "*"}]}),
         "statement 0: the statement has no Effect"),
        (json.dumps({"Statement": [{"Effect": "Allow", "Action": "x:y", "Resource": "*",
                                    "Condition": {"StringEqual": {"k": "v"}}}]}),
         "unknown condition operator"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(tmp_path: Path, content: str | None,
                                               message: str) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    result = cwlint("iam", "simulate", "--policy", str(path), "--action", "logs:PutLogEvents")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and message in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_context_is_usage_error() -> None:
    result = cwlint("iam", "simulate", "--policy", str(FIXTURE), "--action", "x:y",
                    "--context", "novalue")
    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr
