"""The shipped AWS managed policies and their loader, on the real data (no mocks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cwlint.iam.managed import (
    is_aws_managed_arn,
    load_managed_policies,
    managed_policy,
    managed_policy_arn,
    managed_policy_document,
    managed_policy_names,
    pack_policies,
)

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_BASIC = "AWSLambdaBasicExecutionRole"


def allowed(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(action, resource) pairs of the document's Allow statements with Action/Resource."""
    pairs: set[tuple[str, str]] = set()
    statements = document["Statement"]
    for statement in [statements] if isinstance(statements, dict) else statements:
        if statement["Effect"] != "Allow" or "Action" not in statement:
            continue
        actions = statement["Action"]
        resources = statement.get("Resource", [])
        for action in [actions] if isinstance(actions, str) else actions:
            for resource in [resources] if isinstance(resources, str) else resources:
                pairs.add((action, resource))
    return pairs


def test_first_load_time() -> None:
    start = time.perf_counter()
    policies = load_managed_policies.__wrapped__()
    elapsed = time.perf_counter() - start
    print(f"\nfirst load of aws_managed_policies.pack: {elapsed * 1000:.1f} ms", end=", ")
    print(f"{len(policies)} policies")
    assert len(policies) > 1000


def test_policy_count_and_names() -> None:
    names = managed_policy_names()
    assert len(names) > 1000
    assert names == sorted(names)
    assert {"CloudWatchAgentServerPolicy", LAMBDA_BASIC, "AmazonSSMManagedInstanceCore"} <= set(
        names
    )
    assert load_managed_policies().generated_from


def test_cloudwatch_agent_server_policy() -> None:
    document = managed_policy_document("CloudWatchAgentServerPolicy")
    assert document is not None
    pairs = allowed(document)
    for action in ("cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogGroup"):
        assert (action, "*") in pairs
    assert ("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*") in pairs
    assert ("ssm:GetParameter", "*") not in pairs


@pytest.mark.parametrize(
    "reference",
    [
        LAMBDA_BASIC,
        f"arn:aws:iam::aws:policy/service-role/{LAMBDA_BASIC}",
        f"arn:aws-cn:iam::aws:policy/service-role/{LAMBDA_BASIC}",
        f"arn:aws-us-gov:iam::aws:policy/service-role/{LAMBDA_BASIC}",
    ],
)
def test_lambda_basic_execution_role_resolves(reference: str) -> None:
    document = managed_policy_document(reference)
    assert document is not None
    assert {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"} <= {
        action for action, _ in allowed(document)
    }


@pytest.mark.parametrize(
    "reference",
    [
        f"arn:aws:iam::aws:policy/{LAMBDA_BASIC}",  # path missing
        f"arn:aws:iam::aws:policy/job-function/{LAMBDA_BASIC}",  # wrong path
        f"arn:aws:iam::123456789012:policy/service-role/{LAMBDA_BASIC}",  # customer account
        "arn:aws:iam::123456789012:policy/x",
        f"service-role/{LAMBDA_BASIC}",
        "awslambdabasicexecutionrole",  # names are exact
        "NoSuchPolicyAnywhere",
        "",
    ],
)
def test_not_an_aws_managed_policy(reference: str) -> None:
    assert managed_policy_document(reference) is None
    assert managed_policy(reference) is None


def test_root_path_policy_arn() -> None:
    assert (
        managed_policy_document("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy") is not None
    )
    assert (
        managed_policy_document("arn:aws:iam::aws:policy/service-role/CloudWatchAgentServerPolicy")
        is None
    )


def test_ecs_task_execution_role_policy_cannot_create_log_groups() -> None:
    document = managed_policy_document(
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    )
    assert document is not None
    actions = {action for action, _ in allowed(document)}
    assert {"logs:CreateLogStream", "logs:PutLogEvents"} <= actions
    assert "logs:CreateLogGroup" not in actions


def test_is_aws_managed_arn_is_syntactic() -> None:
    assert is_aws_managed_arn("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy")
    assert is_aws_managed_arn("arn:aws-iso-b:iam::aws:policy/service-role/Whatever")
    assert is_aws_managed_arn(f"arn:aws:iam::aws:policy/{LAMBDA_BASIC}")  # shape only
    assert not is_aws_managed_arn("arn:aws:iam::123456789012:policy/x")
    assert not is_aws_managed_arn("arn:aws:iam::aws:role/x")
    assert not is_aws_managed_arn("CloudWatchAgentServerPolicy")
    assert not is_aws_managed_arn("arn:aws:iam::aws:policy/")


def test_managed_policy_arn() -> None:
    assert (
        managed_policy_arn(LAMBDA_BASIC) == f"arn:aws:iam::aws:policy/service-role/{LAMBDA_BASIC}"
    )
    assert (
        managed_policy_arn("CloudWatchAgentServerPolicy", "aws-cn")
        == "arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy"
    )
    assert managed_policy_arn("NoSuchPolicyAnywhere") is None
    with pytest.raises(ValueError):
        managed_policy_arn(LAMBDA_BASIC, "not a partition")


def test_every_arn_round_trips() -> None:
    for name in managed_policy_names():
        arn = managed_policy_arn(name, "aws-us-gov")
        assert arn is not None and is_aws_managed_arn(arn)
        assert managed_policy(arn) is managed_policy(name)


def test_documents_are_copies() -> None:
    first = managed_policy_document("CloudWatchAgentServerPolicy")
    assert first is not None
    first["Statement"].clear()
    again = managed_policy_document("CloudWatchAgentServerPolicy")
    assert again is not None and again["Statement"]


def test_documents_are_decoded_on_first_use(tmp_path: Path) -> None:
    """The data file is a policy pack: loading it reads the index only; a document is
    decompressed and decoded once, when asked for. Files in the gzip JSON layouts of
    earlier releases (documents as JSON text, or as objects) still load."""
    import gzip
    import json
    import shutil

    shipped = ROOT / "cwlint" / "data" / "aws_managed_policies.pack"
    fresh = load_managed_policies(shutil.copy(shipped, tmp_path))  # not the cached copy
    policy = fresh.get("CloudWatchAgentServerPolicy")
    assert policy is not None and isinstance(policy.source, bytes)
    assert "document" not in vars(policy)
    assert policy.document is policy.document and policy.document["Statement"]
    assert "document" in vars(policy)
    assert all(isinstance(fresh.get(name).source, bytes) for name in fresh.names())

    as_text = tmp_path / "text.json.gz"
    as_text.write_bytes(gzip.compress(json.dumps({"generated_from": "g", "policies": {"P": {
        "path": "/", "version": "v1", "document": '{"Statement":[]}'}}}).encode()))
    assert load_managed_policies(as_text).document("P") == {"Statement": []}
    older = tmp_path / "older.json.gz"
    older.write_bytes(gzip.compress(json.dumps({"policies": {"P": {
        "path": "/", "version": "v1", "document": {"Statement": []}}}}).encode()))
    assert load_managed_policies(older).document("P") == {"Statement": []}


def test_a_pack_holds_exactly_what_was_packed(tmp_path: Path) -> None:
    """pack_policies (what the refresh script writes) and the reader are inverses: every
    name, path, version and document, documents as objects or as JSON text, in a file that
    is the same bytes every time."""
    policies = {
        "B": {"path": "/service-role/", "version": "v3",
              "document": {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}},
        "A": {"path": "/", "version": "v1", "document": '{"Statement":[],"Note":"é"}'},
    }
    data = pack_policies(policies, "a test")
    assert data == pack_policies(dict(reversed(policies.items())), "a test")
    path = tmp_path / "p.pack"
    path.write_bytes(data)
    loaded = load_managed_policies(path)
    assert loaded.names() == ["A", "B"] and loaded.generated_from == "a test"
    assert loaded.document("A") == {"Statement": [], "Note": "é"}
    assert loaded.document("arn:aws:iam::aws:policy/service-role/B") == policies["B"]["document"]
    assert loaded.get("arn:aws:iam::aws:policy/B") is None  # not its path
    assert loaded.arn("B") == "arn:aws:iam::aws:policy/service-role/B"


# --- the live refresh path, against a real moto server -------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def moto_iam_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server on 127.0.0.1 whose IAM backend has the AWS managed policies."""
    from moto.server import ThreadedMotoServer

    # moto reads this when it creates an IAM backend; the reset below makes it do so anew.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
        yield endpoint
    finally:
        server.stop()


def _refresh(arguments: list[str], env: dict[str, str], timeout: int) -> str:
    """Run the refresh script; its stdout (the script must succeed)."""
    result = subprocess.run(
        [sys.executable, "scripts/refresh_managed_policies.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_live_refresh_against_moto(moto_iam_endpoint: str, tmp_path: Path) -> None:
    """The IAM API path (ListPolicies, GetPolicyVersion) against a moto server gives exactly
    the policies of the moto package that serves them: the same installed release on both
    sides, so a newer moto changes both and the test stays green on any day. The shipped
    copy is checked apart (the tests above), never against the moto of the day."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key != "MOTO_IAM_LOAD_MANAGED_POLICIES"
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    live = tmp_path / "live.json.gz"
    start = time.perf_counter()
    summary = _refresh(
        ["--live", "--endpoint-url", moto_iam_endpoint, "--region", "us-east-1",
         "--output", str(live)],
        env,
        timeout=600,
    )
    elapsed = time.perf_counter() - start
    print(f"\nlive refresh against moto: {elapsed:.1f} s; {summary}")
    bundled = tmp_path / "bundled.json.gz"
    _refresh(["--output", str(bundled)], env, timeout=120)

    fetched = load_managed_policies(live)
    expected = load_managed_policies(bundled)
    assert len(fetched) > 1000
    assert "IAM ListPolicies" in fetched.generated_from
    assert expected.generated_from.startswith("moto ")
    assert fetched.names() == expected.names()
    differing = [
        name for name in fetched.names() if fetched.document(name) != expected.document(name)
    ]
    assert differing == []
    assert [fetched.arn(name) for name in fetched.names()] == [
        expected.arn(name) for name in expected.names()
    ]
    assert fetched.get(f"arn:aws-cn:iam::aws:policy/service-role/{LAMBDA_BASIC}") is not None
    assert fetched.get(f"arn:aws:iam::aws:policy/{LAMBDA_BASIC}") is None


def test_live_refresh_refuses_an_empty_account(tmp_path: Path) -> None:
    """Without managed policies (plain moto server) the script fails instead of writing {}."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    output = tmp_path / "empty.json.gz"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none")
    )
    try:
        urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST")
        )
        result = subprocess.run(
            [
                sys.executable,
                "scripts/refresh_managed_policies.py",
                "--live",
                "--endpoint-url",
                f"http://127.0.0.1:{port}",
                "--output",
                str(output),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    assert result.returncode == 1
    assert "MOTO_IAM_LOAD_MANAGED_POLICIES" in result.stderr
    assert not output.exists()
