"""Bad, hostile and odd input, end to end: no exception escapes, each bad file gets a
clear one-line error with its name, the other files are still scanned, time and memory
stay bounded, output is deterministic, and secrets (NoEcho defaults) never leak."""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwlint.cfn.loader import TemplateError, parse_template
from cwlint.engine import ScanOptions, analyse_template
from tests.fixture_layout import templates

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo" / "orders-service.yaml"
CORPUS = ROOT.parent / "shared" / "corpus" / "cfn"


def cwlint(*args: str, cwd: Path = ROOT, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout)


def test_bad_files_are_named_and_the_good_one_still_scanned(tmp_path: Path) -> None:
    header = 'AWSTemplateFormatVersion: "2010-09-09"\n'
    (tmp_path / "good.yaml").write_text(DEMO.read_text())
    (tmp_path / "syntax.yaml").write_text(header + "Resources:\n  A: [unclosed\n")
    (tmp_path / "latin1.yaml").write_bytes((header + "Description: caf\xe9\n").encode("latin-1"))
    laughs = "".join(f"l{i + 1}: &l{i + 1} [" + ",".join([f"*l{i}"] * 10) + "]\n"
                     for i in range(9))
    (tmp_path / "bomb.yaml").write_text(header + "l0: &l0 [x]\n" + laughs + "Resources: {}\n")
    deep = header + "Resources:\n  X:\n    Type: AWS::SNS::Topic\n    Properties:\n      P: " \
        + "[" * 10000 + "]" * 10000 + "\n"
    (tmp_path / "deep.yaml").write_text(deep)
    (tmp_path / "notes.yaml").write_text("just: [some, config\n")  # not CloudFormation
    (tmp_path / "walked.template").write_bytes(bytes(range(256)) * 8)  # binary: not a template
    binary = tmp_path.parent / f"{tmp_path.name}-binary.template"
    binary.write_bytes(bytes(range(256)) * 8)  # named explicitly: an error
    started = time.monotonic()
    result = cwlint("scan", "--format", "json", str(tmp_path), str(binary))
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    errored = {Path(e["file"]).name for e in report["errors"]}
    assert errored == {"syntax.yaml", "latin1.yaml", "bomb.yaml", "deep.yaml", binary.name}
    assert all("\n" not in e["message"] and e["message"] for e in report["errors"])
    assert next(e for e in report["errors"] if e["file"].endswith("syntax.yaml"))["line"] in (3, 4)
    assert {f["rule_id"] for f in report["findings"]} >= {"CWL002", "CWL003", "CWL005"}
    assert all(f["file"].endswith("good.yaml") for f in report["findings"])


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as handle:  # 200 MB, sparse: the refusal must not read it
        handle.truncate(200 * 1024 * 1024)
    started = time.monotonic()
    result = cwlint("scan", "--format", "json", str(big))
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    error = json.loads(result.stdout)["errors"][0]
    assert error["file"] == str(big) and "large" in error["message"]


def test_no_echo_default_never_appears_in_output(tmp_path: Path) -> None:
    secret = "s3cr3t-V4lue-42"
    template = {
        "Parameters": {"Namespace": {"Type": "String", "NoEcho": True, "Default": secret}},
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "Policies": [{"PolicyName": "p", "PolicyDocument": {
                    "Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": "cloudwatch:PutMetricData",
                        "Resource": "*", "Condition": {"StringEquals": {
                            "cloudwatch:namespace": {"Ref": "Namespace"}}}}]}}]}},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Environment": {"Variables": {"METRICS_NAMESPACE": {"Ref": "Namespace"}}},
                "Code": {"ZipFile": "x"}}},
        },
    }
    path = tmp_path / "noecho.json"
    path.write_text(json.dumps(template))
    for fmt in ("text", "json"):
        result = cwlint("scan", "--format", fmt, str(path))
        assert secret not in result.stdout + result.stderr


def test_output_is_byte_identical_across_runs() -> None:
    paths = [str(ROOT / "fixtures" / "cfn" / "loader"), *map(str, templates()),
             str(ROOT / "fixtures" / "demo")]
    first = cwlint("scan", "--format", "json", *paths).stdout
    second = cwlint("scan", "--format", "json", *paths).stdout
    assert first and first == second


def test_nothing_named_is_fetched_or_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    template = f"""
Transform: [AWS::Include, AWS::Serverless-2016-10-31]
Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.invalid/nested.yaml
  Include:
    Fn::Transform:
      Name: AWS::Include
      Parameters: {{Location: "s3://bucket/x.yaml"}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      InlineCode: "import os; os.system('touch {marker}')"
      Environment: {{Variables: {{METRICS_NAMESPACE: "$(touch {marker})"}}}}
"""
    path = tmp_path / "t.yaml"
    path.write_text(template)
    result = cwlint("scan", "--format", "json", str(path))
    assert result.returncode in (0, 1), result.stderr
    assert not marker.exists()


# --- in-process fuzzing of the front end and the rules ------------------------------------

INTRINSICS = ["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split",
              "Fn::If", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Condition",
              "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::GetAZs", "Fn::Cidr",
              "Fn::ToJsonString", "Fn::Length", "Fn::Bogus"]
NAMES = ["Role", "Fn", "AWS::Region", "AWS::NoValue", "Param", "Cond", "Missing", "Fn.Arn",
         "Role.Arn", "Group", "${Role.Arn}", "${Param}", "${AWS::AccountId}"]

expressions = st.recursive(
    st.one_of(st.sampled_from(NAMES), st.integers(-3, 5), st.booleans(), st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.builds(lambda k, v: {k: v}, st.sampled_from(INTRINSICS), inner),
        st.dictionaries(st.sampled_from(["Effect", "Action", "Resource", "Statement", "Key",
                                         "Value", "Variables"]), inner, max_size=3),
    ),
    max_leaves=25,
)


def random_template(expression: Any) -> dict[str, Any]:
    return {
        "Parameters": {"Param": {"Type": "String"}},
        "Conditions": {"Cond": {"Fn::Equals": [{"Ref": "Param"}, "x"]}},
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "Policies": [{"PolicyName": "p", "PolicyDocument": expression}],
                "ManagedPolicyArns": expression, "PermissionsBoundary": expression}},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Role": expression, "VpcConfig": expression,
                "Environment": {"Variables": {"METRICS_NAMESPACE": expression}},
                "LoggingConfig": expression}},
            "Group": {"Type": "AWS::Logs::LogGroup", "Condition": "Cond",
                      "Properties": {"LogGroupName": expression, "KmsKeyId": expression}},
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                "Namespace": expression, "Dimensions": [{"Name": "f", "Value": expression}]}},
            "Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": expression, "SecurityGroupIds": expression,
                "PolicyDocument": expression}},
        },
    }


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(expressions)
def test_random_intrinsic_nesting_never_raises(expression: Any) -> None:
    text = json.dumps(random_template(expression))
    try:
        loaded = parse_template(text, "fuzz.json")
    except TemplateError:
        return
    with contextlib.suppress(TemplateError):  # a clean, reportable error (cyclic condition)
        analyse_template(loaded, ScanOptions())


def corpus_sample(count: int) -> list[Path]:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    return random.Random(7).sample(files, min(count, len(files))) if files else []


def mutate(node: Any, rng: random.Random) -> Any:
    """Drop, duplicate, retype or swap parts of a decoded template."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            roll = rng.random()
            if roll < 0.05:
                continue
            out[key] = rng.choice([None, 7, "x", [], {"Ref": "Nope"}]) if roll < 0.1 \
                else mutate(value, rng)
        return out
    if isinstance(node, list):
        items = [mutate(v, rng) for v in node]
        if items and rng.random() < 0.1:
            items.append(items[0])
        return items
    if isinstance(node, str) and rng.random() < 0.05:
        return {"Fn::Sub": node + "${Missing}"}
    return node


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is beside the project")
def test_mutated_corpus_templates_never_raise() -> None:
    rng = random.Random(11)
    checked = 0
    for path in corpus_sample(60):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PlainLoader)
        except Exception:  # the corpus holds deliberately broken files
            continue
        if not isinstance(data, dict):
            continue
        for _ in range(3):
            text = json.dumps(mutate(data, rng), default=str)
            try:
                loaded = parse_template(text, str(path))
            except TemplateError:
                continue
            with contextlib.suppress(TemplateError):
                analyse_template(loaded, ScanOptions())
            checked += 1
    assert checked > 50


class _PlainLoader(yaml.SafeLoader):
    """Reads short tags (!Ref x) as plain mappings, only to get mutation material."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)
    return {("Ref" if suffix == "Ref" else f"Fn::{suffix}"): value}


_PlainLoader.add_multi_constructor("!", _any_tag)


def test_cyclic_getatt_chain_is_unknown_not_a_hang(tmp_path: Path) -> None:
    template = {"Resources": {
        "A": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "${B.Arn}"}}},
        "B": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "${A.Arn}"}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Role": {"Fn::GetAtt": ["A", "Arn"]},
            "Environment": {"Variables": {"CW_NAMESPACE": "X"}}}}}}
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(template))
    started = time.monotonic()
    result = cwlint("scan", "--format", "json", str(path))
    assert time.monotonic() - started < 30
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr
    json.loads(result.stdout)
