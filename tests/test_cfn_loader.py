"""Tests for cwlint.cfn.loader: decoding, line numbers, and every way loading can fail."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwlint.cfn import loader
from cwlint.cfn.loader import (
    LoadedTemplate,
    TemplateError,
    is_sam,
    line_at,
    line_of,
    load_template,
    looks_like_cloudformation,
    parse_template,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cfn" / "loader"
CORPUS = Path("/work/shared/corpus/cfn")


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    """Write a file under tmp_path and return its path as a string."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def load_error(tmp_path: Path, name: str, content: str | bytes) -> TemplateError:
    """Load content that must fail and return the TemplateError."""
    with pytest.raises(TemplateError) as info:
        load_template(write(tmp_path, name, content))
    return info.value


# --- decoding ------------------------------------------------------------------------


def test_short_tags_come_out_in_long_form() -> None:
    template = load_template(str(FIXTURES / "short_tags.yaml"))
    props = template.resources["AppFunction"]["Properties"]
    assert props["Role"] == {"Fn::GetAtt": ["AppRole", "Arn"]}
    assert props["RoleList"] == {"Fn::GetAtt": ["AppRole", "Arn"]}
    assert props["Description"] == {"Fn::Sub": "logs go to ${AppLogGroup}"}
    assert props["Tags"] == {
        "Fn::If": ["IsProd", [{"Key": "env", "Value": "prod"}], {"Ref": "AWS::NoValue"}]
    }
    assert props["Joined"] == {"Fn::Join": [":", ["a", "b"]]}
    assert props["First"] == {"Fn::Select": [0, {"Fn::Split": [",", "x,y"]}]}
    assert props["Encoded"] == {"Fn::Base64": "hello"}
    assert props["Imported"] == {"Fn::ImportValue": "shared-vpc"}
    assert props["Zones"] == {"Fn::GetAZs": ""}
    assert template.conditions["IsNotProd"] == {"Fn::Not": [{"Condition": "IsProd"}]}
    assert template.conditions["IsProd"] == {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
    log_group = template.resources["AppLogGroup"]["Properties"]["LogGroupName"]
    assert log_group == {"Fn::FindInMap": ["Names", {"Ref": "Env"}, "Group"]}
    assert template.format == "yaml"


def test_getatt_short_form_splits_only_at_the_first_dot() -> None:
    template = parse_template("Resources:\n  A:\n    Type: X::Y::Z\n    P: !GetAtt S.Outputs.Url\n")
    assert template.resources["A"]["P"] == {"Fn::GetAtt": ["S", "Outputs.Url"]}


def test_json_template_loads() -> None:
    template = load_template(str(FIXTURES / "plain.json"))
    assert template.format == "json"
    assert template.resource_type("AppRole") == "AWS::IAM::Role"
    assert template.resources["AppFunction"]["Properties"]["Role"] == {
        "Fn::GetAtt": ["AppRole", "Arn"]
    }


def test_json_that_yaml_cannot_read_uses_the_json_decoder() -> None:
    # tabs and the "\/" escape are valid JSON but not valid YAML
    template = load_template(str(FIXTURES / "tabs.json"))
    assert template.format == "json"
    props = template.resources["AppLogGroup"]["Properties"]
    assert props["LogGroupName"] == "/app/logs"
    assert template.resource_line("AppLogGroup") == 4
    assert template.property_line("AppLogGroup", "RetentionInDays") == 8


def test_json_with_trailing_comma_is_accepted_like_cfn_lint_does() -> None:
    template = parse_template('{"Resources": {"A": {"Type": "AWS::S3::Bucket",}}}')
    assert template.resource_type("A") == "AWS::S3::Bucket"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", "\ufeffResources:\n  A:\n    Type: AWS::S3::Bucket\n")
    assert load_template(path).resource_type("A") == "AWS::S3::Bucket"


def test_unquoted_date_stays_a_key() -> None:
    template = parse_template("AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n")
    assert looks_like_cloudformation(template)


# --- line numbers --------------------------------------------------------------------


def test_resource_and_property_lines_yaml() -> None:
    template = load_template(str(FIXTURES / "short_tags.yaml"))
    assert template.resource_line("AppLogGroup") == 14
    assert template.resource_line("AppFunction") == 27
    assert template.property_line("AppFunction", "Role") == 30
    assert template.property_line("AppFunction", "Tags") == 35
    # a missing property points at the closest existing ancestor
    assert template.property_line("AppFunction", "Environment") == 29
    assert template.property_line("AppRole", "AssumeRolePolicyDocument", "Statement", 0) == 24
    assert template.resource_line("NoSuchResource") == 13  # the Resources key


def test_resource_and_property_lines_json() -> None:
    template = load_template(str(FIXTURES / "plain.json"))
    assert template.resource_line("AppRole") == 4
    assert template.property_line("AppRole", "RoleName") == 7
    assert template.resource_line("AppFunction") == 11
    assert template.property_line("AppFunction", "Role") == 15


def test_line_helpers() -> None:
    template = parse_template("a:\n  b:\n    - x\n    - 5\n")
    root = template.template
    assert line_of(root) == 1
    assert line_of(root["a"]["b"]) == 3
    assert line_of(5) is None
    assert line_at(root, ("a", "b", 0)) == 3
    assert line_at(root, ("a", "b", 1)) == 2  # numbers carry no mark: the key's line
    assert line_at(root, ("a", "missing", "deeper")) == 1
    assert template.line_at("a", "b") == 2


# --- errors --------------------------------------------------------------------------


def test_yaml_syntax_error_has_line() -> None:
    with pytest.raises(TemplateError) as info:
        load_template(str(FIXTURES / "bad_syntax.yaml"))
    error = info.value
    assert error.line == 5
    assert error.message.startswith("invalid YAML")
    assert str(error).endswith(f"bad_syntax.yaml:5: {error.message}")
    assert "\n" not in str(error)


def test_invalid_json_has_line() -> None:
    with pytest.raises(TemplateError) as info:
        load_template(str(FIXTURES / "bad_syntax.json"))
    assert info.value.line == 5
    assert info.value.message == "invalid JSON: Expecting ',' delimiter"


def test_json_missing_value_is_invalid(tmp_path: Path) -> None:
    error = load_error(tmp_path, "t.json", '{\n  "Resources": {\n    "A": \n')
    assert error.message.startswith("invalid JSON")
    assert error.line is not None


def test_binary_file(tmp_path: Path) -> None:
    error = load_error(tmp_path, "blob.yaml", bytes(range(256)) * 4)
    assert "binary" in error.message


def test_not_utf8(tmp_path: Path) -> None:
    error = load_error(tmp_path, "latin1.yaml", b"Resources:\n  A: caf\xe9\n")
    assert error.line == 2
    assert "not UTF-8" in error.message


def test_utf16_file(tmp_path: Path) -> None:
    error = load_error(tmp_path, "u16.yaml", "Resources: {}\n".encode("utf-16"))
    assert "UTF-16" in error.message


@pytest.mark.parametrize("content", ["", "\n\n   \n", "# just a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    error = load_error(tmp_path, "empty.yaml", content)
    assert "empty" in error.message


@pytest.mark.parametrize(
    ("content", "kind"),
    [("- a\n- b\n", "a list"), ("just text\n", "a string"), ("42\n", "a number")],
)
def test_top_level_not_a_mapping(tmp_path: Path, content: str, kind: str) -> None:
    error = load_error(tmp_path, "top.yaml", content)
    assert error.line == 1
    assert f"top level is {kind}" in error.message


def test_top_level_json_list(tmp_path: Path) -> None:
    error = load_error(tmp_path, "top.json", '[{"Resources": {}}]')
    assert "top level is a list" in error.message


def test_duplicate_key_has_line(tmp_path: Path) -> None:
    content = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::SNS::Topic\n"
    error = load_error(tmp_path, "dup.yaml", content)
    assert error.line == 4
    assert error.message == "duplicate key 'A' (first at line 2)"


def test_several_documents(tmp_path: Path) -> None:
    error = load_error(tmp_path, "multi.yaml", "a: 1\n---\nb: 2\n")
    assert error.line == 2
    assert "single document" in error.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="file not found"):
        load_template(str(tmp_path / "nope.yaml"))
    with pytest.raises(TemplateError, match="directory"):
        load_template(str(tmp_path))


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    error = load_error(tmp_path, "big.yaml", "Resources: {}\n" + "#" * 200)
    assert "larger than" in error.message


def test_python_tags_construct_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f'a: !!python/object/apply:os.system ["touch {marker}"]\n',
        f'a: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]\n',
        "a: !!python/name:os.system\n",
    ]
    for index, payload in enumerate(payloads):
        error = load_error(tmp_path, f"evil{index}.yaml", payload)
        assert error.line == 1
        assert "constructor" in error.message
    assert not marker.exists()


def test_unknown_local_tag_is_just_a_function_name() -> None:
    template = parse_template("Resources:\n  A:\n    Type: X::Y::Z\n    P: !Whatever x\n")
    assert template.resources["A"]["P"] == {"Fn::Whatever": "x"}


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 12):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    start = time.monotonic()
    error = load_error(tmp_path, "lol.yaml", "\n".join(lines) + "\n")
    assert time.monotonic() - start < 5
    assert "alias" in error.message


def test_merge_key_amplification_fails_fast(tmp_path: Path) -> None:
    # every mapping merges the previous one: quadratic size, cheap to write
    lines = ["m0: &m0 {k0: 1}"]
    lines += [f"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: 1}}" for i in range(1, 3000)]
    start = time.monotonic()
    error = load_error(tmp_path, "merge.yaml", "\n".join(lines) + "\n")
    assert time.monotonic() - start < 10
    assert "alias" in error.message


def test_small_anchors_are_fine() -> None:
    text = "Resources:\n  A: &res\n    Type: AWS::S3::Bucket\n  B: *res\n"
    template = parse_template(text)
    assert template.resource_type("B") == "AWS::S3::Bucket"


def test_recursive_alias(tmp_path: Path) -> None:
    error = load_error(tmp_path, "rec.yaml", "a: &a [1, *a]\n")
    assert "recursive" in error.message


@pytest.mark.parametrize(
    "content",
    [
        "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "a: " + "[" * 600 + "]" * 600 + "\n",
        "\t" + "[" * 3000 + "]" * 3000,
        '{"a": ' + "[" * 600 + "]" * 600 + "}",
        "a:\n" + "".join(" " * (i + 2) + f"k{i}:\n" for i in range(400)),
    ],
)
def test_deep_nesting(tmp_path: Path, content: str) -> None:
    try:
        load_template(write(tmp_path, "deep.yaml", content))
    except TemplateError as error:
        assert "\n" not in error.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_raise_template_error(data: bytes) -> None:
    path = f"/tmp/cwlint-hypothesis-{os.getpid()}.yaml"
    Path(path).write_bytes(data)
    try:
        result = load_template(path)
    except TemplateError as error:
        assert error.path == path
    else:
        assert isinstance(result, LoadedTemplate)
        assert isinstance(result.template, dict)
    finally:
        Path(path).unlink()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}[]:,-&*!?|>'\"\n\t #abcRef<>%@`", max_size=200))
def test_yaml_like_text_only_raises_template_error(text: str) -> None:
    with contextlib.suppress(TemplateError):
        parse_template(text, "fuzz.yaml")


# --- recognising templates -----------------------------------------------------------


def test_looks_like_cloudformation() -> None:
    assert looks_like_cloudformation({"Resources": {"A": {"Type": "AWS::S3::Bucket"}}})
    assert looks_like_cloudformation({"AWSTemplateFormatVersion": "2010-09-09"})
    assert looks_like_cloudformation({"Transform": "AWS::Serverless-2016-10-31"})
    assert looks_like_cloudformation(load_template(str(FIXTURES / "short_tags.yaml")))
    assert not looks_like_cloudformation(load_template(str(FIXTURES / "not_cloudformation.yaml")))
    assert not looks_like_cloudformation({"Resources": {"cpu": "100m"}})
    assert not looks_like_cloudformation({"Resources": {"A": {"Type": "plain"}}})
    assert not looks_like_cloudformation(["Resources"])


def test_is_sam() -> None:
    assert is_sam({"Transform": "AWS::Serverless-2016-10-31"})
    assert is_sam({"Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]})
    assert not is_sam({"Transform": "AWS::LanguageExtensions"})
    assert not is_sam({"Transform": {"Name": "AWS::Include", "Parameters": {}}})
    assert not is_sam({})
    sam = parse_template("Transform: AWS::Serverless-2016-10-31\nResources: {}\n")
    assert sam.is_sam() and sam.looks_like_cloudformation()


def test_template_error_str_without_line() -> None:
    error = TemplateError("t.yaml", None, "file is\nempty")
    assert str(error) == "t.yaml: file is empty"
    assert error.line is None


# --- corpus --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="third-party corpus not available")
def test_corpus_only_raises_template_error() -> None:
    loaded = failed = 0
    for directory, _, names in os.walk(CORPUS):
        for name in names:
            path = os.path.join(directory, name)
            try:
                load_template(path)
            except TemplateError as error:
                failed += 1
                assert error.message and "\n" not in error.message
            else:
                loaded += 1
    print(f"corpus: {loaded} loaded, {failed} failed")
    assert loaded > failed
