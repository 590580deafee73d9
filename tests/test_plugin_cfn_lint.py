"""The cfn-lint plugin: cwlint's rules inside the real ``cfn-lint`` command line.

Every CloudFormation fixture (each scenario's ``template.yaml``) and ``fixtures/demo/`` goes
through
``cfn-lint --append-rules=checks/cfn_lint`` (directory mode) and
``--append-rules=cwlint.plugins.cfn_lint_rules`` (module mode); the ECWxxx / WCWxxx / ICWxxx
matches must be exactly ``cwlint scan``'s findings (rule, file, line), their paths must
start at ``Resources/<resource>`` and end at the exact property, cfn-lint's own findings
must not change, and the host's suppression, output formats and ``.cfnlintrc`` must work.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode_str
from cfnlint.rules import Rules
from cfnlint.runner.cli import Runner

from cwlint.engine import scan
from cwlint.findings import INFO, Finding
from cwlint.plugins import cfn_lint_rules
from cwlint.plugins import options as plugin_options
from cwlint.plugins.cfn_lint_overlap import W3037, cfn_lint_knows, cfn_lint_service_map
from cwlint.plugins.cfn_lint_rules import cfn_lint_id, match_path
from cwlint.plugins.paths import CFN_LINT_MODULE, checks_dir
from cwlint.rules import ALL_RULES, RULES_BY_ID
from tests.fixture_layout import scenario, templates

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo" / "orders-service.yaml"
UNKNOWN = scenario("cwl001/unknown-namespace-parameter") / "template.yaml"
CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))
RULES_DIR = checks_dir("cfn-lint")
CLASSES = cfn_lint_rules.RULE_CLASSES
OUR_IDS = {cls.id for cls in CLASSES}


#: cfn-lint's action list as its W3037 reads it; None when the installed cfn-lint has no
#: W3037 (then ECW008 reports every CWL008 finding itself).
SERVICE_MAP = cfn_lint_service_map()


def w3037_reports(action: str) -> bool:
    """Whether the installed cfn-lint's W3037 reports ``action`` as unknown."""
    return SERVICE_MAP is not None and not cfn_lint_knows(action, SERVICE_MAP)


#: The demo's typo: when W3037 reports it, the demo's ECW008 stays silent.
DEMO_TYPO_LEFT_TO_W3037 = w3037_reports("cloudwatch:DescribeAlarm")


def fixtures() -> list[Path]:
    return [*templates(), DEMO]


def cfn_lint(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CFN_LINT, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**os.environ, "PYTHONHASHSEED": "0"})


def json_matches(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode in (0, 2, 4, 6, 8, 10, 12, 14), result.stderr
    return json.loads(result.stdout or "[]")


def ours(matches: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    return {(m["Filename"], m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"])
            for m in matches if m["Rule"]["Id"] in OUR_IDS}


def expected_id(finding: Finding) -> str:
    return cfn_lint_id(RULES_BY_ID[finding.rule_id], finding.severity)


@cache
def scan_findings() -> tuple[Finding, ...]:
    result = scan([str(f.relative_to(ROOT)) for f in fixtures()])
    assert not result.errors
    return tuple(result.findings)


@cache
def directory_mode() -> tuple[dict[str, Any], ...]:
    files = [f.relative_to(ROOT) for f in fixtures()]
    return tuple(json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "-c", "I", "--format",
                                       "json", "--", *files)))


# --- the rule classes ------------------------------------------------------------------


def test_one_class_per_rule_and_severity_with_the_rule_documentation() -> None:
    by_id = {cls.id: cls for cls in CLASSES}
    assert len(by_id) == len(CLASSES) == 3 * len(ALL_RULES)  # no duplicate ids among ours
    for rule in ALL_RULES:
        main = by_id[rule.cfn_lint_id()]
        assert main.rule is rule and main.finding_severity == rule.severity
        assert main.shortdesc == rule.title
        assert main.description == " ".join(rule.documentation().split("\n\n")[0].split())
        assert main.source_url == rule.help_uri()
        for letter, severity in (("E", "error"), ("W", "warning"), ("I", "info")):
            twin = by_id[f"{letter}CW{rule.number()}"]
            assert twin.rule is rule and twin.finding_severity == severity
            assert twin.source_url == rule.help_uri()
    assert by_id["WCW040"].shortdesc == RULES_BY_ID["CWL040"].title
    assert by_id["ECW040"].shortdesc.endswith("(error)")


def test_ids_do_not_collide_with_cfn_lint_rules() -> None:
    from cfnlint.config import _DEFAULT_RULESDIR

    ids = set(Rules.create_from_directory(_DEFAULT_RULESDIR))
    assert ids and not ids & OUR_IDS


def test_directory_and_module_mode_load_the_same_rules() -> None:
    directory = Rules.create_from_directory(str(RULES_DIR))
    module = Rules.create_from_module(CFN_LINT_MODULE)
    assert set(directory) == set(module) == OUR_IDS


def test_checks_directory_holds_no_rule_logic() -> None:
    code = (RULES_DIR / "cwlint_rules.py").read_text()
    assert "from cwlint.plugins.cfn_lint_rules import *" in code
    assert sorted(p.name for p in RULES_DIR.glob("*.py")) == ["__init__.py", "cwlint_rules.py"]


# --- same findings as cwlint scan, on the right lines ----------------------------------


def w3037_resources(matches: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    """(file, resource) of every match of cfn-lint's own unknown-action rule."""
    return {(m["Filename"], m["Location"]["Path"][1]) for m in matches
            if m["Rule"]["Id"] == W3037 and len(m["Location"]["Path"]) > 1}


def test_directory_mode_reports_exactly_what_cwlint_scan_reports() -> None:
    """Every finding, except a CWL008 finding whose unknown actions cfn-lint's own W3037
    reports on the same resource in the same run (said once, not twice)."""
    by_key = {(f.file, expected_id(f), f.line): f for f in scan_findings()}
    got = ours(list(directory_mode()))
    assert got <= set(by_key)
    left_to_w3037 = [by_key[key] for key in set(by_key) - got]
    w3037 = w3037_resources(directory_mode())
    assert all(f.rule_id == "CWL008" and (f.file, f.resource) in w3037
               for f in left_to_w3037), left_to_w3037
    assert bool(left_to_w3037) == DEMO_TYPO_LEFT_TO_W3037
    assert len(by_key) > 40  # every rule's fail fixtures are in there


def test_module_mode_reports_the_same() -> None:
    files = [f.relative_to(ROOT) for f in fixtures()]
    module = json_matches(cfn_lint(f"--append-rules={CFN_LINT_MODULE}", "-c", "I", "--format",
                                   "json", "--", *files))
    assert ours(module) == ours(list(directory_mode()))


def test_demo_template_ids_lines_and_paths() -> None:
    matches = [m for m in directory_mode() if m["Filename"] == "fixtures/demo/orders-service.yaml"
               and m["Rule"]["Id"] in OUR_IDS]
    got = {(m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"], "/".join(
        map(str, m["Location"]["Path"]))) for m in matches}
    ecw008 = {("ECW008", 24, "Resources/OrdersRole/Properties/Policies/0")}
    assert got == {
        ("ECW003", 24, "Resources/OrdersRole/Properties/Policies/0"),
        ("ECW002", 50, "Resources/OrdersFunction/Properties/Role"),
        ("ECW004", 50, "Resources/OrdersFunction/Properties/Role"),
        ("ECW005", 62, "Resources/ReportingInstance"),
    } | (set() if DEMO_TYPO_LEFT_TO_W3037 else ecw008)
    # the typo cloudwatch:DescribeAlarm, said by cfn-lint's own W3037 on the action itself
    assert [m["Location"]["Start"]["LineNumber"] for m in directory_mode()
            if m["Filename"] == "fixtures/demo/orders-service.yaml"
            and m["Rule"]["Id"] == W3037] == ([41] if DEMO_TYPO_LEFT_TO_W3037 else [])
    by_id = {m["Rule"]["Id"]: m for m in matches}
    assert "differ only in letter case" in by_id["ECW002"]["Message"]
    assert "Fix: " in by_id["ECW003"]["Message"]
    assert by_id["ECW002"]["Level"] == "Error"
    assert by_id["ECW002"]["Rule"]["Source"] == RULES_BY_ID["CWL002"].help_uri()


def test_every_path_starts_at_the_finding_resource() -> None:
    resources = {(f.file, expected_id(f), f.line): f.resource for f in scan_findings()}
    for match in directory_mode():
        key = (match["Filename"], match["Rule"]["Id"], match["Location"]["Start"]["LineNumber"])
        if key in resources:
            assert match["Location"]["Path"][:2] == ["Resources", resources[key]], match


def test_endpoint_findings_point_at_the_endpoint_property(tmp_path: Path) -> None:
    paths = {(m["Rule"]["Id"], "/".join(map(str, m["Location"]["Path"])))
             for m in directory_mode() if m["Rule"]["Id"] in ("ECW011", "ECW012")}
    assert ("ECW012", "Resources/MonitoringEndpoint/Properties/SecurityGroupIds") in paths
    # private DNS switched off explicitly: the match is on that property
    source = scenario("cwl011/fail-private-dns-off") / "template.yaml"
    text = source.read_text().replace("      VpcEndpointType: Interface\n",
                                      "      VpcEndpointType: Interface\n"
                                      "      PrivateDnsEnabled: false\n", 1)
    (tmp_path / "t.yaml").write_text(text)
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", cwd=tmp_path))
    found = [(m["Location"]["Path"], m["Location"]["Start"]["LineNumber"]) for m in matches
             if m["Rule"]["Id"] == "ECW011"]
    line = text.splitlines().index("      PrivateDnsEnabled: false") + 1
    assert found == [(["Resources", "MonitoringEndpoint", "Properties", "PrivateDnsEnabled"],
                      line)]


def test_info_findings_go_to_the_informational_class_only_when_asked() -> None:
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    UNKNOWN.relative_to(ROOT)))
    assert not ours(matches)  # cfn-lint leaves informational rules out by default
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "-c", "I", "--format", "json",
                                    "--", UNKNOWN.relative_to(ROOT)))
    assert {(m["Rule"]["Id"], m["Level"]) for m in matches if m["Rule"]["Id"] in OUR_IDS} == {
        ("ICW001", "Informational")}


# --- cfn-lint's own findings, and robustness -------------------------------------------


def test_cfn_lint_own_findings_are_unchanged() -> None:
    files = [f.relative_to(ROOT) for f in fixtures()]
    plain = json_matches(cfn_lint("-c", "I", "--format", "json", "--", *files))

    def key(m: dict[str, Any]) -> tuple[Any, ...]:
        return (m["Filename"], m["Rule"]["Id"], json.dumps(m["Location"], sort_keys=True),
                m["Message"])

    assert sorted(map(key, plain)) == sorted(
        key(m) for m in directory_mode() if m["Rule"]["Id"] not in OUR_IDS)


ODD_TEMPLATES = {
    "no-resources.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\nOutputs: {A: {Value: x}}\n',
    "resources-list.yaml": "Resources:\n  - Type: AWS::IAM::Role\n",
    "properties-string.yaml": "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: x\n",
    "type-not-string.yaml": "Resources:\n  R:\n    Type: [AWS::IAM::Role]\n",
    "cyclic-condition.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\nConditions:\n'
        "  A: !Condition B\n  B: !Condition A\nResources:\n"
        "  R:\n    Type: AWS::SNS::Topic\n    Condition: A\n"),
    "foreach.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::LanguageExtensions\n'
        "Resources:\n  Fn::ForEach::Topics:\n    - Name\n    - [A, B]\n"
        "    - Topic${Name}:\n        Type: AWS::SNS::Topic\n"),
    "sam-globals.yaml": (
        'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n'
        "Globals:\n  Function:\n    Runtime: python3.12\n    Environment:\n"
        "      Variables: {METRICS_NAMESPACE: Orders}\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n"
        "      InlineCode: 'def b(e, c): pass'\n"),
}


def test_no_cwlint_error_on_odd_templates_cfn_lint_accepts(tmp_path: Path) -> None:
    for name, text in ODD_TEMPLATES.items():
        (tmp_path / name).write_text(text)
    names = sorted(ODD_TEMPLATES)
    plain = json_matches(cfn_lint("--format", "json", "--", *names, cwd=tmp_path))
    added = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                  *names, cwd=tmp_path))
    errors = [m for m in added if m["Rule"]["Id"] == "E0002"]
    assert errors == [m for m in plain if m["Rule"]["Id"] == "E0002"]
    sam = [m for m in added if m["Filename"] == "sam-globals.yaml" and m["Rule"]["Id"] in OUR_IDS]
    expected = {(f.rule_id, f.line) for f in scan([str(tmp_path / "sam-globals.yaml")]).findings
                if f.severity != INFO}
    assert {(m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"]) for m in sam} == {
        (RULES_BY_ID[rule].cfn_lint_id(), line) for rule, line in expected}


def test_an_engine_crash_is_one_e0002_not_one_per_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> list[Finding]:
        raise ValueError("boom")

    monkeypatch.setattr(cfn_lint_rules, "analyse_template", broken)
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--", str(DEMO)])).run())
    crashes = [m for m in matches if m.rule.id == "E0002"]
    assert len(crashes) == 1
    assert "cwlint internal error: ValueError: boom" in crashes[0].message
    assert not [m for m in matches if m.rule.id in OUR_IDS]
    cfn_lint_rules.CACHE.clear()


# --- no extra time: one engine run per template ----------------------------------------


def test_engine_runs_once_per_template_not_once_per_rule() -> None:
    files = [str(DEMO), str(UNKNOWN),
             str(scenario("cwl003/fail-bare-log-group") / "template.yaml")]
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--", *files])).run())
    assert cfn_lint_rules.CACHE.runs == len(files)
    assert len([m for m in matches if m.rule.id in OUR_IDS]) == 6 - DEMO_TYPO_LEFT_TO_W3037


def test_the_decoded_template_is_reused_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import cwlint.cfn.loader as loader

    def no_reading(*_args: Any) -> Any:
        raise AssertionError("the cfn-lint plugin must not read the template again")

    monkeypatch.setattr(loader, "load_template", no_reading)
    monkeypatch.setattr(loader, "parse_template", no_reading)
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--", str(DEMO)])).run())
    assert len([m for m in matches if m.rule.id in OUR_IDS]) == 5 - DEMO_TYPO_LEFT_TO_W3037


# --- match paths -------------------------------------------------------------------------


def test_match_path_finds_the_first_node_starting_on_the_line() -> None:
    template, errors = decode_str(DEMO.read_text())
    assert not errors
    assert match_path(template, "OrdersFunction", 50) == (
        ["Resources", "OrdersFunction", "Properties", "Role"], True)
    assert match_path(template, "OrdersRole", 24) == (
        ["Resources", "OrdersRole", "Properties", "Policies", 0], True)
    assert match_path(template, "OrdersRole", 34) == (
        ["Resources", "OrdersRole", "Properties", "Policies", 0, "PolicyDocument", "Statement",
         0, "Condition", "StringEquals", "cloudwatch:namespace"], True)
    assert match_path(template, "ReportingInstance", 62) == (["Resources", "ReportingInstance"],
                                                             True)
    # a line inside a block scalar starts no node: fall back to the resource
    assert match_path(template, "OrdersFunction", 58) == (["Resources", "OrdersFunction"], False)
    assert match_path(template, "OrdersFunction", None) == (["Resources", "OrdersFunction"], False)
    # a resource the template only implies: searched from the top
    assert match_path(template, "OrdersFunctionRole", 50) == (
        ["Resources", "OrdersFunction", "Properties", "Role"], True)
    assert match_path(template, "Nothing", None) == (["Resources"], False)


def test_a_fallback_path_keeps_the_finding_line() -> None:
    template, _ = decode_str(DEMO.read_text())
    finding = Finding("CWL004", "error", "m", "t.yaml", 58, "OrdersFunction")

    class Cfn:
        pass

    cfn = Cfn()
    cfn.template = template  # type: ignore[attr-defined]
    match = cfn_lint_rules.CwlintCfnLintRule().to_match(cfn, finding)
    assert match.path == ["Resources", "OrdersFunction"]
    assert match.location == (57, 0, 57, 0)  # 0-based, as cfn-lint's marks
    exact = cfn_lint_rules.CwlintCfnLintRule().to_match(cfn, Finding(
        "CWL004", "error", "m", "t.yaml", 50, "OrdersFunction", fix="do this"))
    assert exact.path[-1] == "Role" and not hasattr(exact, "location")
    assert exact.message == "m. Fix: do this"


# --- cwlint's configuration and suppressions, as in cwlint scan ------------------------


def test_cwlint_configuration_applies_as_in_cwlint_scan(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "t.yaml")
    (tmp_path / ".cwlint.yaml").write_text(yaml.safe_dump(
        {"disable": ["CWL008"], "severity": {"CWL003": "warning"}}))
    plugin_options.clear_caches()
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", cwd=tmp_path))
    got = {(m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"]) for m in matches
           if m["Rule"]["Id"] in OUR_IDS}
    assert got == {("WCW003", 24), ("ECW002", 50), ("ECW004", 50), ("ECW005", 62)}
    scanned = subprocess.run([str(Path(sys.executable).with_name("cwlint")), "scan", "t.yaml",
                              "--format", "json"], capture_output=True, text=True, cwd=tmp_path,
                             check=False)
    assert {(expected_id(Finding(**{**f, "related": ()})), f["line"])
            for f in json.loads(scanned.stdout)["findings"]} == got


def test_cwlint_inline_suppression_applies_and_checkov_comments_do_not(tmp_path: Path) -> None:
    text = DEMO.read_text().replace(
        "  OrdersFunction:\n    Type: AWS::Lambda::Function\n",
        "  OrdersFunction:\n    # checkov:skip=CKV_CWL_004:checkov only\n"
        "    Type: AWS::Lambda::Function\n    Metadata:\n      cwlint:\n        ignore:\n"
        "          - {rule: CWL002, reason: namespace renamed next sprint}\n")
    (tmp_path / "t.yaml").write_text(text)
    ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint(
        f"--append-rules={RULES_DIR}", "--format", "json", "--", "t.yaml", cwd=tmp_path))}
    assert "ECW002" not in ids  # cwlint's own suppression: silenced everywhere
    assert "ECW004" in ids  # a checkov comment silences checkov only


def test_configuration_exclude_and_region(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    shutil.copy(DEMO, tmp_path / "legacy" / "t.yaml")
    shutil.copy(DEMO, tmp_path / "t.yaml")
    (tmp_path / ".cwlint.yaml").write_text(yaml.safe_dump(
        {"exclude": ["legacy/**"], "region": "eu-west-1"}))
    plugin_options.clear_caches()
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", "legacy/t.yaml", cwd=tmp_path))
    ours_ = [m for m in matches if m["Rule"]["Id"] in OUR_IDS]
    assert {m["Filename"] for m in ours_} == {"t.yaml"}
    e9003 = next(m["Message"] for m in ours_ if m["Rule"]["Id"] == "ECW003")
    assert "arn:aws:logs:eu-west-1:" in e9003
    explicit = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--regions", "ap-south-1",
                                     "--format", "json", "--", "t.yaml", cwd=tmp_path))
    assert any("arn:aws:logs:ap-south-1:" in m["Message"] for m in explicit
               if m["Rule"]["Id"] == "ECW003")


def test_invalid_cwlint_configuration_is_reported_once(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "t.yaml")
    (tmp_path / ".cwlint.yaml").write_text("no_such_key: 1\n")
    plugin_options.clear_caches()
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", cwd=tmp_path))
    errors = [m for m in matches if m["Rule"]["Id"] == "E0002"]
    assert len(errors) == 1 and "no_such_key" in errors[0]["Message"]
    assert not [m for m in matches if m["Rule"]["Id"] in OUR_IDS]


# --- the host's configuration and formats ----------------------------------------------


def test_resource_metadata_ignore_checks(tmp_path: Path) -> None:
    text = DEMO.read_text().replace(
        "  OrdersFunction:\n    Type: AWS::Lambda::Function\n",
        "  OrdersFunction:\n    Type: AWS::Lambda::Function\n    Metadata:\n      cfn-lint:\n"
        "        config:\n          ignore_checks: [ECW002]\n")
    (tmp_path / "t.yaml").write_text(text)
    ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint(
        f"--append-rules={RULES_DIR}", "--format", "json", "--", "t.yaml", cwd=tmp_path))}
    assert "ECW002" not in ids
    assert {"ECW003", "ECW004", "ECW005", W3037 if DEMO_TYPO_LEFT_TO_W3037 else "ECW008"} <= ids


def test_cfnlintrc_append_rules_and_ignore_checks(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "t.yaml")
    shutil.copy(UNKNOWN, tmp_path / "u.yaml")
    for rules in (str(RULES_DIR), CFN_LINT_MODULE):  # directory or module, as on the CLI
        (tmp_path / ".cfnlintrc").write_text(yaml.safe_dump(
            {"templates": ["*.yaml"], "append_rules": [rules],
             "ignore_checks": ["ECW003", "W3031"], "include_checks": ["I"]}))
        ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint("--format", "json",
                                                              cwd=tmp_path))}
        assert "ECW003" not in ids
        assert {"ECW002", "ECW004", "ECW005", "ICW001"} <= ids
        assert (W3037 if DEMO_TYPO_LEFT_TO_W3037 else "ECW008") in ids


def test_readme_pre_commit_entry_runs(tmp_path: Path) -> None:
    """The README's cfn-lint hook, as pre-commit runs it on a repository (cfn-lint and
    cwlint installed here rather than in a hook environment, which needs the network)."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    from tests.test_plugin_support import local_hook, pre_commit_run

    hook = local_hook("https://github.com/aws-cloudformation/cfn-lint")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = pre_commit_run(pre_commit, hook, {"stacks/orders.yaml": DEMO, "README.md": DEMO},
                          tmp_path, path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ECW002" in done.stdout and "stacks/orders.yaml" in done.stdout
    assert "README.md" not in done.stdout  # the hook's `files` left it out


def test_ignore_checks_prefix_silences_every_cwlint_rule(tmp_path: Path) -> None:
    """Only cwlint's rules go quiet: cfn-lint's own findings are those of a run without the
    plugin (compared with the same installed cfn-lint, never with a list of its rule ids,
    which a cfn-lint release may change)."""
    def ids(*extra: str) -> set[str]:
        return {m["Rule"]["Id"] for m in json_matches(cfn_lint(*extra, "--format", "json", "--",
                                                                DEMO))}

    silenced = ids(f"--append-rules={RULES_DIR}", "--ignore-checks", "ECW", "WCW")
    assert not silenced & OUR_IDS
    assert silenced == ids() and silenced  # the demo's typo is a cfn-lint finding too


def test_id_prefixes_select_cwlint_rules_by_severity() -> None:
    """``--ignore-checks ECW`` leaves cwlint's warnings and infos; ``--include-checks I``
    adds its infos (ICWnnn) to the default E and W."""
    def ids(*extra: str) -> set[str]:
        return {m["Rule"]["Id"] for m in json_matches(cfn_lint(
            f"--append-rules={RULES_DIR}", *extra, "--format", "json", "--", DEMO, UNKNOWN))}

    everything = ids("--include-checks", "I")
    assert {"ECW002", "ICW001"} <= everything
    assert not {i for i in ids() if i.startswith("ICW")}  # infos only when asked
    no_errors = ids("--include-checks", "I", "--ignore-checks", "ECW")
    assert not {i for i in no_errors if i.startswith("ECW")}
    assert "ICW001" in no_errors


USER_RULE = '''
from cfnlint.rules import CloudFormationLintRule, RuleMatch


class TeamRule(CloudFormationLintRule):
    id = "E9001"
    shortdesc = "A team's own rule"
    description = "Every template gets one match"
    source_url = "https://example.invalid/E9001"
    tags = ["team"]

    def match(self, cfn):
        return [RuleMatch(["Resources"], "team rule ran")]
'''


def test_a_user_rule_in_cfn_lint_s_user_range_loads_beside_cwlint(tmp_path: Path) -> None:
    """cfn-lint leaves [EWI]9xxx to its users' rules: one of them, E9001, loads beside
    cwlint's ECW001 (ids 9xxx of cwlint's made cfn-lint fail with DuplicateRuleError)."""
    team = tmp_path / "team_rules"
    team.mkdir()
    (team / "team_rule.py").write_text(USER_RULE)
    result = cfn_lint(f"--append-rules={team}", f"--append-rules={RULES_DIR}", "--format",
                      "json", "--", DEMO)
    assert "DuplicateRuleError" not in result.stderr
    ids = {m["Rule"]["Id"] for m in json_matches(result)}
    assert "E9001" in ids and {"ECW002", "ECW003"} <= ids


TYPO_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
{transform}Resources:
  Publisher:
    Type: AWS::IAM::Role
{metadata}    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}
      Policies:
        - PolicyName: metrics
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [cloudwatch:PutMetricsData]
                Resource: "*"
"""


@pytest.mark.parametrize(("name", "transform", "metadata", "said_by"), [
    ("plain", "", "", W3037),
    ("sam", "Transform: AWS::Serverless-2016-10-31\n", "", "ECW008"),  # W3037 skips SAM
    ("resource-ignores-w3037", "",
     "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [W3037]\n",
     "ECW008"),
])
def test_an_unknown_action_is_said_once_by_w3037_or_by_ecw008(
        tmp_path: Path, name: str, transform: str, metadata: str, said_by: str) -> None:
    (tmp_path / "t.yaml").write_text(TYPO_TEMPLATE.format(transform=transform,
                                                          metadata=metadata))
    scanned = scan([str(tmp_path / "t.yaml")]).findings
    assert [(f.rule_id, f.resource) for f in scanned] == [("CWL008", "Publisher")], name
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", cwd=tmp_path))
    if not w3037_reports("cloudwatch:PutMetricsData"):
        said_by = "ECW008"  # this cfn-lint has no W3037, or knows the action
    saying = [m for m in matches if m["Rule"]["Id"] in (W3037, "ECW008")]
    assert [m["Rule"]["Id"] for m in saying] == [said_by]
    if said_by == "ECW008":
        assert "did you mean cloudwatch:PutMetricData?" in saying[0]["Message"]
    else:
        assert "putmetricsdata" in saying[0]["Message"]


def test_without_w3037_ecw008_reports_the_typo(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A cfn-lint release without W3037 (or with its data elsewhere) gives the typo back
    to ECW008."""
    from cwlint.plugins import cfn_lint_overlap

    (tmp_path / "t.yaml").write_text(TYPO_TEMPLATE.format(transform="", metadata=""))
    monkeypatch.setattr(cfn_lint_overlap, "cfn_lint_service_map", lambda: None)
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--",
                                       str(tmp_path / "t.yaml")])).run())
    assert [m.rule.id for m in matches if m.rule.id in OUR_IDS] == ["ECW008"]
    cfn_lint_rules.CACHE.clear()


def test_w3037_decision_is_w3037_s_own_test() -> None:
    """ECW008 leaves to W3037 the actions W3037's own test rejects: lowercase service
    listed, lowercase name (or ``*``/``?`` pattern) matching one of its actions."""
    service_map = {"logs": {"Actions": {"putlogevents": {}, "createlogstream": {}}}}
    assert cfn_lint_knows("logs:PutLogEvents", service_map)
    assert cfn_lint_knows("LOGS:putlogevents", service_map)
    assert cfn_lint_knows("logs:PutLogEvent?", service_map)
    assert cfn_lint_knows("logs:*Stream", service_map)
    assert not cfn_lint_knows("logs:PutLogEvent", service_map)
    assert not cfn_lint_knows("logs:PutLogEvent?x", service_map)
    assert not cfn_lint_knows("cloudwatch:PutMetricData", service_map)  # service not listed
    if SERVICE_MAP is not None:  # the installed cfn-lint's list knows the real actions
        assert cfn_lint_knows("cloudwatch:PutMetricData", SERVICE_MAP)
        assert cfn_lint_knows("logs:PutLogEvents", SERVICE_MAP)


def test_sarif_output() -> None:
    result = cfn_lint(f"--append-rules={RULES_DIR}", "--format", "sarif", "--",
                      DEMO.relative_to(ROOT))
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in run["results"]}
    assert {("ECW002", 50), ("ECW003", 24), ("ECW005", 62)} <= results
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ECW002"]["helpUri"] == RULES_BY_ID["CWL002"].help_uri()


def test_junit_output() -> None:
    result = cfn_lint(f"--append-rules={RULES_DIR}", "--format", "junit", "--",
                      DEMO.relative_to(ROOT))
    tree = ElementTree.fromstring(result.stdout)
    failed = {case.get("name", "") for case in tree.iter("testcase")
              if case.find("failure") is not None}
    assert any("ECW002" in name for name in failed)
    assert any("ECW001" in name for name in {c.get("name", "") for c in tree.iter("testcase")})


def test_space_form_swallows_the_template_argument() -> None:
    """Why the README says ``--append-rules=DIR``: with a space, the template is taken as
    a second rules path and cfn-lint lints nothing."""
    swallowed = cfn_lint("--append-rules", RULES_DIR, DEMO.relative_to(ROOT), "--format", "json")
    assert "ECW002" not in swallowed.stdout
    kept = cfn_lint(f"--append-rules={RULES_DIR}", DEMO.relative_to(ROOT), "--format", "json")
    assert "ECW002" in kept.stdout


# --- the whole corpus (slow: `pytest -m slow`) -----------------------------------------

CORPUS = ROOT.parent / "shared" / "corpus" / "cfn"


@pytest.mark.slow
def test_no_cwlint_error_on_any_corpus_template_cfn_lint_decodes() -> None:
    """Every template of the third-party corpus that cfn-lint decodes goes through the
    plugin's path (cfn-lint's Template, its transforms, the engine on ``cfn.template``):
    no engine error, and the same findings as ``cwlint scan`` on the same file."""
    from cfnlint.decode import decode
    from cfnlint.template import Template

    if not CORPUS.is_dir():
        pytest.skip("no corpus")
    failures: list[str] = []
    differences: list[str] = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json", ".template") or not path.is_file():
            continue
        template, errors = decode(str(path))
        if errors or not isinstance(template, dict):
            continue
        cfn = Template(str(path), template, ["us-east-1"])
        if cfn.transform():
            continue  # cfn-lint reports the transform error and runs no rule
        cfn_lint_rules.CACHE.clear()
        run = cfn_lint_rules.findings_for(cfn)
        if run.error:
            failures.append(f"{path}: {run.error}")
            continue
        scanned = scan([str(path)])
        if not scanned.errors and {(f.rule_id, f.line, f.severity) for f in scanned.findings} \
                != {(f.rule_id, f.line, f.severity) for f in run.findings}:
            differences.append(str(path))
    assert not failures, failures[:20]
    # cfn-lint merges SAM Globals and expands Fn::ForEach before rules run, so a few
    # templates may legitimately differ; they must stay rare
    assert len(differences) < 25, differences
