"""The cfn-lint plugin: cwlint's rules inside the real ``cfn-lint`` command line.

Every fixture under ``fixtures/cfn/`` and ``fixtures/demo/`` goes through
``cfn-lint --append-rules=checks/cfn_lint`` (directory mode) and
``--append-rules=cwlint.plugins.cfn_lint_rules`` (module mode); the E9xxx / W9xxx / I9xxx
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
from cwlint.plugins.cfn_lint_rules import cfn_lint_id, match_path
from cwlint.plugins.paths import CFN_LINT_MODULE, checks_dir
from cwlint.rules import ALL_RULES, RULES_BY_ID

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo" / "orders-service.yaml"
UNKNOWN = ROOT / "fixtures" / "cfn" / "cwl001" / "unknown-namespace-parameter.yaml"
CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))
RULES_DIR = checks_dir("cfn-lint")
CLASSES = cfn_lint_rules.RULE_CLASSES
OUR_IDS = {cls.id for cls in CLASSES}


def fixtures() -> list[Path]:
    files = [*sorted((ROOT / "fixtures" / "cfn").rglob("*.yaml")), DEMO,
             *sorted(ROOT.glob("fixtures/cwl[0-9]*/*/template.yaml"))]  # the new layout
    return [f for f in files if f.parent.name != "loader"]


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
            twin = by_id[f"{letter}9{rule.number()}"]
            assert twin.rule is rule and twin.finding_severity == severity
            assert twin.source_url == rule.help_uri()
    assert by_id["W9040"].shortdesc == RULES_BY_ID["CWL040"].title
    assert by_id["E9040"].shortdesc.endswith("(error)")


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


def test_directory_mode_reports_exactly_what_cwlint_scan_reports() -> None:
    wanted = {(f.file, expected_id(f), f.line) for f in scan_findings()}
    assert ours(list(directory_mode())) == wanted
    assert len(wanted) > 40  # every rule's fail fixtures are in there


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
    assert got == {
        ("E9003", 24, "Resources/OrdersRole/Properties/Policies/0"),
        ("E9008", 24, "Resources/OrdersRole/Properties/Policies/0"),
        ("E9002", 50, "Resources/OrdersFunction/Properties/Role"),
        ("E9004", 50, "Resources/OrdersFunction/Properties/Role"),
        ("E9005", 62, "Resources/ReportingInstance"),
    }
    by_id = {m["Rule"]["Id"]: m for m in matches}
    assert "differ only in letter case" in by_id["E9002"]["Message"]
    assert "Fix: " in by_id["E9003"]["Message"]
    assert by_id["E9002"]["Level"] == "Error"
    assert by_id["E9002"]["Rule"]["Source"] == RULES_BY_ID["CWL002"].help_uri()


def test_every_path_starts_at_the_finding_resource() -> None:
    resources = {(f.file, expected_id(f), f.line): f.resource for f in scan_findings()}
    for match in directory_mode():
        key = (match["Filename"], match["Rule"]["Id"], match["Location"]["Start"]["LineNumber"])
        if key in resources:
            assert match["Location"]["Path"][:2] == ["Resources", resources[key]], match


def test_endpoint_findings_point_at_the_endpoint_property(tmp_path: Path) -> None:
    paths = {(m["Rule"]["Id"], "/".join(map(str, m["Location"]["Path"])))
             for m in directory_mode() if m["Rule"]["Id"] in ("E9011", "E9012")}
    assert ("E9012", "Resources/MonitoringEndpoint/Properties/SecurityGroupIds") in paths
    # private DNS switched off explicitly: the match is on that property
    source = ROOT / "fixtures" / "cfn" / "network" / "cwl011-fail-private-dns-off.yaml"
    text = source.read_text().replace("      VpcEndpointType: Interface\n",
                                      "      VpcEndpointType: Interface\n"
                                      "      PrivateDnsEnabled: false\n", 1)
    (tmp_path / "t.yaml").write_text(text)
    matches = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--format", "json", "--",
                                    "t.yaml", cwd=tmp_path))
    found = [(m["Location"]["Path"], m["Location"]["Start"]["LineNumber"]) for m in matches
             if m["Rule"]["Id"] == "E9011"]
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
        ("I9001", "Informational")}


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
    files = [str(DEMO), str(UNKNOWN), str(ROOT / "fixtures/cfn/cwl003/fail-bare-log-group.yaml")]
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--", *files])).run())
    assert cfn_lint_rules.CACHE.runs == len(files)
    assert len([m for m in matches if m.rule.id in OUR_IDS]) == 6


def test_the_decoded_template_is_reused_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import cwlint.cfn.loader as loader

    def no_reading(*_args: Any) -> Any:
        raise AssertionError("the cfn-lint plugin must not read the template again")

    monkeypatch.setattr(loader, "load_template", no_reading)
    monkeypatch.setattr(loader, "parse_template", no_reading)
    cfn_lint_rules.CACHE.clear()
    matches = list(Runner(ConfigMixIn([f"--append-rules={RULES_DIR}", "--", str(DEMO)])).run())
    assert len([m for m in matches if m.rule.id in OUR_IDS]) == 5


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
    assert got == {("W9003", 24), ("E9002", 50), ("E9004", 50), ("E9005", 62)}
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
    assert "E9002" not in ids  # cwlint's own suppression: silenced everywhere
    assert "E9004" in ids  # a checkov comment silences checkov only


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
    e9003 = next(m["Message"] for m in ours_ if m["Rule"]["Id"] == "E9003")
    assert "arn:aws:logs:eu-west-1:" in e9003
    explicit = json_matches(cfn_lint(f"--append-rules={RULES_DIR}", "--regions", "ap-south-1",
                                     "--format", "json", "--", "t.yaml", cwd=tmp_path))
    assert any("arn:aws:logs:ap-south-1:" in m["Message"] for m in explicit
               if m["Rule"]["Id"] == "E9003")


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
        "        config:\n          ignore_checks: [E9002]\n")
    (tmp_path / "t.yaml").write_text(text)
    ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint(
        f"--append-rules={RULES_DIR}", "--format", "json", "--", "t.yaml", cwd=tmp_path))}
    assert "E9002" not in ids
    assert {"E9003", "E9004", "E9005", "E9008"} <= ids


def test_cfnlintrc_append_rules_and_ignore_checks(tmp_path: Path) -> None:
    shutil.copy(DEMO, tmp_path / "t.yaml")
    shutil.copy(UNKNOWN, tmp_path / "u.yaml")
    for rules in (str(RULES_DIR), CFN_LINT_MODULE):  # directory or module, as on the CLI
        (tmp_path / ".cfnlintrc").write_text(yaml.safe_dump(
            {"templates": ["*.yaml"], "append_rules": [rules],
             "ignore_checks": ["E9003", "W3037"], "include_checks": ["I"]}))
        ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint("--format", "json",
                                                              cwd=tmp_path))}
        assert "E9003" not in ids and "W3037" not in ids
        assert {"E9002", "E9004", "E9005", "E9008", "I9001"} <= ids


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
    assert "E9002" in done.stdout and "stacks/orders.yaml" in done.stdout
    assert "README.md" not in done.stdout  # the hook's `files` left it out


def test_ignore_checks_prefix_silences_every_cwlint_rule(tmp_path: Path) -> None:
    ids = {m["Rule"]["Id"] for m in json_matches(cfn_lint(
        f"--append-rules={RULES_DIR}", "--ignore-checks", "E9", "W9", "--format", "json", "--",
        DEMO))}
    assert not ids & OUR_IDS and "W3037" in ids


def test_sarif_output() -> None:
    result = cfn_lint(f"--append-rules={RULES_DIR}", "--format", "sarif", "--",
                      DEMO.relative_to(ROOT))
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in run["results"]}
    assert {("E9002", 50), ("E9003", 24), ("E9005", 62)} <= results
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["E9002"]["helpUri"] == RULES_BY_ID["CWL002"].help_uri()


def test_junit_output() -> None:
    result = cfn_lint(f"--append-rules={RULES_DIR}", "--format", "junit", "--",
                      DEMO.relative_to(ROOT))
    tree = ElementTree.fromstring(result.stdout)
    failed = {case.get("name", "") for case in tree.iter("testcase")
              if case.find("failure") is not None}
    assert any("E9002" in name for name in failed)
    assert any("E9001" in name for name in {c.get("name", "") for c in tree.iter("testcase")})


def test_space_form_swallows_the_template_argument() -> None:
    """Why the README says ``--append-rules=DIR``: with a space, the template is taken as
    a second rules path and cfn-lint lints nothing."""
    swallowed = cfn_lint("--append-rules", RULES_DIR, DEMO.relative_to(ROOT), "--format", "json")
    assert "E9002" not in swallowed.stdout
    kept = cfn_lint(f"--append-rules={RULES_DIR}", DEMO.relative_to(ROOT), "--format", "json")
    assert "E9002" in kept.stdout


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
