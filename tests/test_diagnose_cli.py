"""``cwlint diagnose`` run as a user runs it: the installed command, real files and stdin."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "diagnose"
ISSUE_METRICS = (FIXTURES / "issue-put-metric-data.txt").read_text()
ISSUE_LAMBDA = (FIXTURES / "issue-lambda-put-log-events.txt").read_text()


def cwlint(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), "diagnose", *args]
    if isinstance(stdin, bytes):
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=60)
        return subprocess.CompletedProcess(done.args, done.returncode,
                                           done.stdout.decode(), done.stderr.decode())
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


def as_json(*args: str, stdin: str | None = None) -> dict:
    result = cwlint(*args, "--format", "json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_usage_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cwlint: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


# --- input: argument, stdin, file ----------------------------------------------------------


def test_issue_message_as_argument_text_output() -> None:
    result = cwlint(ISSUE_METRICS)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("1. AccessDenied: cloudwatch:PutMetricData on *  [aws-cli/boto3]")
    assert "role my-app-role, session i-0abc123def456" in out
    assert "1) CWL001 metrics-publish-denied (likely)" in out
    assert "Fix (CWL001 metrics-publish-denied)" in out
    assert "AWS::IAM::Policy" in out and 'resource "aws_iam_role_policy"' in out
    assert "$ aws iam list-role-policies --role-name my-app-role" in out


def test_issue_lambda_message_from_stdin() -> None:
    out = as_json("-", stdin=ISSUE_LAMBDA)
    assert out["input"] == {"source": "stdin", "file": None}
    (diagnosis,) = out["diagnoses"]
    request = diagnosis["request"]
    assert request["principal"]["role"] == "my-lambda-role"
    assert request["principal"]["session"] == "my-function"
    assert request["log_group"] == "/aws/lambda/my-function"
    assert diagnosis["causes"][0]["rule_id"] == "CWL004"


def test_unquoted_words_are_joined() -> None:
    out = as_json("User:", "arn:aws:iam::123456789012:user/alice", "is", "not", "authorized",
                  "to", "perform:", "logs:PutLogEvents")
    assert out["diagnoses"][0]["request"]["action"] == "logs:PutLogEvents"


@pytest.mark.parametrize("name", ["cloudwatch-agent.log", "lambda-node.log", "lambda-python.log",
                                  "ecs-stopped-reason.txt", "go-sdk-v2-timeout.log"])
def test_log_files(name: str) -> None:
    out = as_json("--file", str(FIXTURES / name))
    assert out["input"] == {"source": "file", "file": str(FIXTURES / name)}
    assert out["summary"]["diagnoses"] == len(out["diagnoses"]) >= 1


def test_gzip_log_file(tmp_path: Path) -> None:
    path = tmp_path / "agent.log.1.gz"
    path.write_bytes(gzip.compress((FIXTURES / "cloudwatch-agent.log").read_bytes()))
    out = as_json("--file", str(path))
    assert [d["kind"] for d in out["diagnoses"]] == ["access_denied", "network"]


def test_undecodable_bytes_do_not_stop_a_log(tmp_path: Path) -> None:
    path = tmp_path / "binary.log"
    path.write_bytes(b"\xff\xfe garbage \x00\n" + ISSUE_METRICS.encode())
    out = as_json("--file", str(path))
    assert out["diagnoses"][0]["request"]["action"] == "cloudwatch:PutMetricData"


# --- the JSON shape --------------------------------------------------------------------------


def test_json_shape() -> None:
    out = as_json(ISSUE_METRICS)
    assert set(out) == {"version", "input", "diagnoses", "summary"}
    assert out["summary"] == {"diagnoses": 1, "access_denied": 1, "network": 0,
                              "service_error": 0}
    (diagnosis,) = out["diagnoses"]
    assert set(diagnosis) == {"kind", "occurrences", "excerpt", "request", "workload", "causes",
                              "live"}
    assert diagnosis["live"] is None
    assert diagnosis["workload"] == {"type": "ec2", "name": "i-0abc123def456",
                                     "cloudwatch_agent": False, "firelens": False}
    assert set(diagnosis["request"]) == {
        "kind", "error_code", "operation", "service", "action", "resource", "log_group",
        "log_stream", "principal", "account", "region", "reason", "status_code", "request_id",
        "sources"}
    cause = diagnosis["causes"][0]
    assert set(cause) == {"rank", "rule_id", "name", "title", "likelihood", "status", "summary",
                          "why", "evidence", "checks", "fix"}
    assert (cause["rank"], cause["rule_id"], cause["status"]) == (1, "CWL001", "suspected")
    assert set(cause["fix"]) == {"summary", "policy", "cloudformation", "terraform"}
    assert [c["rank"] for c in diagnosis["causes"]] == list(range(1, 7))


def test_network_json() -> None:
    out = as_json("--file", str(FIXTURES / "go-sdk-v2-timeout.log"))
    (diagnosis,) = out["diagnoses"]
    request = diagnosis["request"]
    assert request["failure"] == "connect_timeout"
    assert request["host"] == "logs.eu-central-1.amazonaws.com"
    assert request["address_scope"] == "private"
    assert [c["rule_id"] for c in diagnosis["causes"]] == ["CWL012", "CWL013"]
    assert diagnosis["causes"][0]["fix"]["policy"] is None


# --- usage errors: one line, exit 2, never a traceback -------------------------------------------


def test_no_input() -> None:
    assert_usage_error(cwlint(), "no message")


def test_unrecognised_text() -> None:
    assert_usage_error(cwlint("everything is fine"), "no AccessDenied message")


def test_empty_stdin() -> None:
    assert_usage_error(cwlint("-", stdin=""), "standard input")


def test_unrecognised_log_file() -> None:
    path = str(FIXTURES / "no-error.log")
    assert_usage_error(cwlint("--file", path), path)


def test_other_service_timeout_is_named() -> None:
    assert_usage_error(cwlint('Connect timeout on endpoint URL: "https://sts.us-east-1.'
                              'amazonaws.com/"'), "sts.us-east-1.amazonaws.com",
                       "not a CloudWatch endpoint")


def test_other_service_access_denied_is_named() -> None:
    assert_usage_error(cwlint("An error occurred (AccessDenied) when calling the GetObject "
                              "operation: User: arn:aws:sts::123456789012:assumed-role/app/"
                              "i-0abc is not authorized to perform: s3:GetObject on resource: "
                              "arn:aws:s3:::bucket/key"),
                       "AccessDenied for s3:GetObject", "nothing to diagnose")


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.log")
    assert_usage_error(cwlint("--file", path), path, "no such file")


def test_directory_as_file(tmp_path: Path) -> None:
    assert_usage_error(cwlint("--file", str(tmp_path)), "is a directory")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.log"
    path.write_text(ISSUE_METRICS)
    path.chmod(0)
    try:
        result = cwlint("--file", str(path))
        if result.returncode == 0:  # running as root: permissions do not apply
            pytest.skip("root reads any file")
        assert_usage_error(result, "permission denied")
    finally:
        path.chmod(0o600)


def test_broken_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert_usage_error(cwlint("--file", str(path)), "gzip")


def test_text_and_file_together() -> None:
    assert_usage_error(cwlint("x", "--file", str(FIXTURES / "no-error.log")), "not several")


def test_dash_with_other_words() -> None:
    assert_usage_error(cwlint("-", "more"), "'-'")


@pytest.mark.parametrize("flag", [["--profile", "p"], ["--region", "us-east-1"],
                                  ["--endpoint-url", "http://127.0.0.1:1"],
                                  ["--instance-id", "i-12345678"], ["--function-name", "f"]])
def test_live_options_need_live(flag: list[str]) -> None:
    assert_usage_error(cwlint(ISSUE_METRICS, *flag), flag[0], "--live")


def test_unknown_format_is_an_argparse_error() -> None:
    result = cwlint(ISSUE_METRICS, "--format", "yaml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_options() -> None:
    result = cwlint("--help")
    assert result.returncode == 0
    for option in ("--file", "--format", "--live", "--profile", "--region", "--endpoint-url"):
        assert option in result.stdout


def test_binary_stdin_is_not_a_crash() -> None:
    result = cwlint("-", stdin=b"\x00\xff\xfe" * 100)
    assert_usage_error(result, "standard input")


def test_other_commands_do_not_load_the_diagnosis() -> None:
    """The command line loads the diagnosis modules only for ``cwlint diagnose``: a scan
    (a pre-commit hook runs one per commit) does not pay for their import."""
    probe = ("import sys; from cwlint.cli import build_parser; build_parser(); "
             "print(sorted(m for m in sys.modules if m.startswith('cwlint.diagnose')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
