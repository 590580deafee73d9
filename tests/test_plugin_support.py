"""The plugin machinery that needs neither host tool running: the per-template cache,
the checkov adapter's decisions, ``cwlint plugin-path``, and the wheel shipping
``checks/`` (so the printed path works from a pip install, not only from the repository).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from cwlint.cfn.loader import load_template
from cwlint.engine import scan
from cwlint.findings import Finding
from cwlint.plugins import checkov_support
from cwlint.plugins import options as plugin_options
from cwlint.plugins.cache import EngineCache, EngineRun, engine_run
from cwlint.plugins.checkov_support import (
    FAILED,
    PASSED,
    UNKNOWN,
    categories,
    cloudformation_run,
    resolve_scanned_file,
    root_module_file,
    terraform_input,
    terraform_run,
    terraform_type,
    verdict,
    warn_unreportable,
    warn_unreportable_terraform,
)
from cwlint.plugins.paths import TOOLS, checks_dir
from cwlint.rules import ALL_RULES, RULES_BY_ID
from tests.fixture_layout import modules, plans, scenario, templates

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo" / "orders-service.yaml"
TERRAFORM = ROOT / "fixtures" / "terraform"
NESTED = ROOT / "fixtures" / "plugins" / "terraform-nested-modules"
README = ROOT / "README.md"
GIT = shutil.which("git")
CWLINT = str(Path(sys.executable).with_name("cwlint"))


def finding(rule: str = "CWL001", severity: str = "error", resource: str = "Fn",
            line: int = 3) -> Finding:
    return Finding(rule, severity, f"{rule} message", "t.yaml", line, resource, fix="the fix")


# --- the cache -------------------------------------------------------------------------


def test_cache_computes_once_per_key_and_anchor() -> None:
    cache = EngineCache(size=2)
    template: dict[str, Any] = {}
    calls: list[int] = []

    def compute() -> EngineRun:
        calls.append(1)
        return EngineRun((finding(),))

    first = cache.get((id(template), "t.yaml"), template, compute)
    assert cache.get((id(template), "t.yaml"), template, compute) is first
    assert cache.runs == 1 and len(calls) == 1
    # same key, another object (an id reused after the first was freed): computed again
    other: dict[str, Any] = {}
    assert cache.get((id(template), "t.yaml"), other, compute) is not first
    assert cache.runs == 2


def test_cache_keeps_only_the_last_entries() -> None:
    cache = EngineCache(size=2)
    for key in ("a", "b", "c"):
        cache.get(key, None, EngineRun)
    cache.get("a", None, EngineRun)
    assert cache.runs == 4  # "a" was evicted by "c"
    cache.clear()
    assert cache.runs == 0


def test_engine_errors_become_one_reportable_message() -> None:
    def broken() -> list[Finding]:
        raise KeyError("x")

    run = engine_run(broken)
    assert run.findings == () and run.error == "cwlint internal error: KeyError: 'x'"
    assert run.take_error() == run.error
    assert run.take_error() is None  # reported once, whatever the number of rules

    def deep() -> list[Finding]:
        raise RecursionError

    assert "nests too deeply" in (engine_run(deep).error or "")


def test_engine_runs_with_the_host_collector_paused_then_restored() -> None:
    import gc

    seen: list[bool] = []

    def analyse() -> list[Finding]:
        seen.append(gc.isenabled())
        return []

    def broken() -> list[Finding]:
        seen.append(gc.isenabled())
        raise KeyError("x")

    assert gc.isenabled()
    engine_run(analyse)
    engine_run(broken)
    assert seen == [False, False] and gc.isenabled()  # resumed, even after an error
    gc.disable()
    try:
        engine_run(analyse)
        assert not gc.isenabled()  # a host that turned it off keeps it off
    finally:
        gc.enable()


def test_engine_run_indexes_findings() -> None:
    run = EngineRun((finding(), finding(resource="Other"), finding("CWL002")))
    assert len(run.for_rule("CWL001")) == 2
    assert run.for_resource("CWL001", "Other") == [finding(resource="Other")]
    assert run.for_resource("CWL003", "Fn") == []


# --- checkov decisions -----------------------------------------------------------------


def test_verdict_fails_with_the_reason_and_the_fix() -> None:
    rule = RULES_BY_ID["CWL001"]
    answer = verdict(EngineRun((finding(),)), rule, "Fn", "AWS::Lambda::Function",
                     RULES_BY_ID["CWL001"].reports_on.cloudformation)
    assert answer.result == FAILED
    assert answer.details == ("line 3: CWL001 message", "fix: the fix")


def test_verdict_passes_only_resources_the_rule_is_about() -> None:
    rule = RULES_BY_ID["CWL001"]
    types = RULES_BY_ID["CWL001"].reports_on.cloudformation
    empty = EngineRun()
    assert verdict(empty, rule, "Fn", "AWS::Lambda::Function", types).result == PASSED
    assert verdict(empty, rule, "Bucket", "AWS::S3::Bucket", types).result == UNKNOWN


def test_verdict_info_and_errors_are_unknown_not_failed() -> None:
    rule = RULES_BY_ID["CWL001"]
    types = RULES_BY_ID["CWL001"].reports_on.cloudformation
    info = EngineRun((finding(severity="info"),))
    assert verdict(info, rule, "Fn", "AWS::Lambda::Function", types).result == UNKNOWN
    broken = EngineRun(error="boom")
    assert verdict(broken, rule, "Fn", "AWS::Lambda::Function", types).result == UNKNOWN
    warning = EngineRun((finding(severity="warning"),))
    assert verdict(warning, rule, "Fn", "AWS::Lambda::Function", types).result == FAILED


def test_verdict_suppressed_inline_is_unknown_not_passed() -> None:
    rule = RULES_BY_ID["CWL001"]
    run = EngineRun(suppressed=(finding(),))
    assert run.is_suppressed("CWL001", "Fn")
    assert verdict(run, rule, "Fn", "AWS::Lambda::Function",
                   RULES_BY_ID["CWL001"].reports_on.cloudformation).result == UNKNOWN


def test_options_follow_the_configuration_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the repository root: the search stops here
    nested = tmp_path / "stacks" / "orders"
    nested.mkdir(parents=True)
    template = nested / "t.yaml"
    template.write_text(DEMO.read_text())
    config = tmp_path / ".cwlint.yaml"
    config.write_text("disable: [CWL008]\nregion: eu-west-1\n")
    plugin_options.clear_caches()
    found = plugin_options.options_for(str(template))
    assert found.options.region == "eu-west-1"
    assert RULES_BY_ID["CWL008"] not in found.options.rules
    assert plugin_options.options_for(str(template), "ap-south-1").options.region == "ap-south-1"
    config.write_text("exclude: [stacks/**]\n")
    os.utime(config, ns=(1, 1))  # a new version of the file, whatever the clock
    assert plugin_options.options_for(str(template)).excludes(str(template))
    checkov_support.FILE_CACHE.clear()
    assert cloudformation_run(str(template)).findings == ()
    plugin_options.clear_caches()


def test_every_rule_has_checkov_types_and_a_category() -> None:
    for rule in ALL_RULES:
        assert rule.reports_on.cloudformation, rule.id
        assert categories(rule)[0] in ("IAM", "NETWORKING", "LOGGING")
    assert categories(RULES_BY_ID["CWL001"])[0] == "IAM"
    assert categories(RULES_BY_ID["CWL012"])[0] == "NETWORKING"
    assert categories(RULES_BY_ID["CWL020"])[0] == "LOGGING"


def test_checkov_types_cover_every_finding_of_the_fixtures() -> None:
    """A check runs only on the CloudFormation types its rule reports on: a finding on
    another type could not be shown by checkov. Every rule's fixtures must stay inside."""
    files = [*templates(), DEMO]
    result = scan([str(p) for p in files])
    assert result.findings
    for file in {f.file for f in result.findings}:
        loaded = load_template(file)
        assert warn_unreportable([f for f in result.findings if f.file == file], loaded) == []


def test_unreportable_findings_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    loaded = load_template(str(DEMO))
    lost = warn_unreportable([finding(resource="OrdersLogGroup")], loaded)
    assert len(lost) == 1 and "cannot be reported by checkov" in caplog.text


def test_cloudformation_run_is_cached_per_file(tmp_path: Path) -> None:
    checkov_support.FILE_CACHE.clear()
    template = tmp_path / "t.yaml"
    template.write_text(DEMO.read_text())
    first = cloudformation_run(str(template))
    assert cloudformation_run(str(template)) is first
    assert {f.rule_id for f in first.findings} == {"CWL002", "CWL003", "CWL004", "CWL005",
                                                  "CWL008"}
    template.write_text(DEMO.read_text() + "\n# edited\n")
    assert cloudformation_run(str(template)) is not first
    assert checkov_support.FILE_CACHE.runs == 2
    (tmp_path / "bad.yaml").write_text("Resources: [unclosed\n")
    assert cloudformation_run(str(tmp_path / "bad.yaml")).findings == ()


def test_resolve_scanned_file_from_the_runner_frame(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "deep" / "t.yaml"
    template.parent.mkdir()
    template.write_text("x")
    monkeypatch.chdir(ROOT)

    def runner_frame() -> str | None:
        # what checkov's CloudFormation runner holds while it runs the checks
        file_abs_path = str(template)  # noqa: F841
        cf_file = "/t.yaml"  # noqa: F841 (relative to the -d root)
        return check()

    def check() -> str | None:
        return resolve_scanned_file("/t.yaml")

    assert runner_frame() == str(template)
    assert resolve_scanned_file("/fixtures/demo/orders-service.yaml") == \
        "fixtures/demo/orders-service.yaml"  # -f: relative to the working directory
    assert resolve_scanned_file("/no/such/file.yaml") is None


# --- Terraform --------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """What checkov's ``TFModule`` holds: the calling file, and the call's own caller."""

    path: str
    name: str
    nested_tf_module: Module | None = None


@dataclass(frozen=True)
class DefinitionKey:
    """What checkov's ``TFDefinitionKey`` holds: a file and the module calls leading to it."""

    file_path: str
    tf_source_modules: Module | None = None


def test_terraform_types_of_addresses() -> None:
    assert terraform_type("aws_lambda_function.orders") == "aws_lambda_function"
    assert terraform_type("module.app.aws_iam_role.x[0]") == "aws_iam_role"
    assert terraform_type('module.a["x.y"].module.b[1].aws_subnet.private["a.b"]') == "aws_subnet"
    assert terraform_type("data.aws_iam_policy_document.p") == "data.aws_iam_policy_document"
    assert terraform_type("module.iam") is None
    assert terraform_type("OrdersFunction") is None


def test_every_rule_has_terraform_types() -> None:
    assert all(rule.reports_on.terraform for rule in ALL_RULES)
    assert all(t.startswith("aws_") for rule in ALL_RULES for t in rule.reports_on.terraform)


def test_terraform_types_cover_every_finding_of_the_fixtures() -> None:
    """A Terraform check runs only on its rule's types: every finding of the HCL and plan
    fixtures must be on one of them, or checkov could not show it."""
    result = scan([*map(str, modules()), *map(str, plans()), str(NESTED)])
    findings = [f for f in result.findings if f.rule_id in RULES_BY_ID]
    assert len(findings) > 60 and not result.errors
    assert warn_unreportable_terraform(findings) == []


def test_unreportable_terraform_findings_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    lost = warn_unreportable_terraform([finding(resource="aws_s3_bucket.logs")])
    assert len(lost) == 1 and "cannot be reported by checkov" in caplog.text


def test_root_module_file_follows_the_module_calls() -> None:
    root, service = "/r/main.tf", "/r/modules/service/main.tf"
    key = DefinitionKey("/r/modules/function/main.tf",
                        Module(service, "function", Module(root, "orders")))
    assert root_module_file(key) == root
    assert root_module_file(DefinitionKey(root)) == root


def test_terraform_input_from_the_runner_frame(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """HCL: the root module directory, found through the key checkov's runner holds;
    plans: the plan file; ``.tf.json``: nothing (cwlint does not read it)."""
    root = NESTED / "main.tf"
    service = NESTED / "modules" / "service" / "main.tf"

    def runner_frame(asked: str) -> str | None:
        # what checkov's Terraform runner (run_block) holds while it runs the checks
        full_file_path = DefinitionKey(  # noqa: F841
            str(NESTED / "modules" / "function" / "main.tf"),
            Module(str(service), "function", Module(str(root), "orders")))
        scanned_file = "/modules/function/main.tf"  # noqa: F841 (relative to the -d root)
        return check(asked)

    def check(scanned_file: str) -> str | None:
        return terraform_input(scanned_file)

    assert runner_frame("/modules/function/main.tf") == str(NESTED)
    assert runner_frame("/other.tf") is None  # not the runner's file, nothing to resolve
    monkeypatch.chdir(ROOT)
    assert terraform_input("/fixtures/cwl001/fail-env-namespace/terraform/main.tf") == \
        "fixtures/cwl001/fail-env-namespace/terraform"  # no runner: the file's directory
    plan = "/fixtures/terraform/module-local-app/plan.json"
    assert terraform_input(plan) == plan.lstrip("/")
    (tmp_path / "main.tf.json").write_text("{}")
    downloaded = tmp_path / ".terraform" / "modules" / "iam"
    downloaded.mkdir(parents=True)
    (downloaded / "main.tf").write_text("")
    monkeypatch.chdir(tmp_path)
    assert terraform_input("/main.tf.json") == "."  # Terraform JSON: its module, like .tf
    assert terraform_input("/.terraform/modules/iam/main.tf") is None  # never fetched


def test_terraform_run_is_cached_per_directory_version(tmp_path: Path) -> None:
    checkov_support.FILE_CACHE.clear()
    module = tmp_path / "app"
    shutil.copytree(TERRAFORM / "module-local-app" / "terraform", module)
    first = terraform_run(str(module))
    assert [(f.rule_id, f.resource) for f in first.findings] == [
        ("CWL001", "module.app.aws_lambda_function.orders")]
    assert terraform_run(str(module)) is first
    main = module / "main.tf"
    main.write_text(main.read_text().replace('default = "Orders"', 'default = "Sales"'))
    os.utime(main, ns=(1, 1))  # a new version of the file, whatever the clock
    second = terraform_run(str(module))
    assert second is not first and "namespace Sales" in second.findings[0].message
    assert checkov_support.FILE_CACHE.runs == 2


def test_terraform_run_on_a_plan_and_its_errors(tmp_path: Path) -> None:
    plan = terraform_run(str(TERRAFORM / "module-local-app" / "plan.json"))
    assert [(f.rule_id, f.resource, f.line) for f in plan.findings] == [
        ("CWL001", "module.app.aws_lambda_function.orders", None)]
    broken = tmp_path / "broken"
    shutil.copytree(TERRAFORM / "errors" / "bad-hcl", broken)
    run = terraform_run(str(broken))
    assert run.findings == () and (run.error or "").startswith(
        f"cwlint could not read {broken}")


def test_terraform_run_follows_the_configuration(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    module = tmp_path / "infra"
    shutil.copytree(scenario("cwl041/fail-aws-prefix") / "terraform", module)
    (tmp_path / ".cwlint.yaml").write_text("disable: [CWL041]\n")
    plugin_options.clear_caches()
    checkov_support.FILE_CACHE.clear()
    assert terraform_run(str(module)).findings == ()
    plugin_options.clear_caches()


# --- pre-commit: the README's entries -------------------------------------------------

#: The upstream hooks the README's entries build on (their ``.pre-commit-hooks.yaml``):
#: pre-commit lays the entry's keys over these.
UPSTREAM_HOOKS: dict[str, dict[str, Any]] = {
    "https://github.com/aws-cloudformation/cfn-lint": {
        "id": "cfn-lint", "name": "cfn-lint", "entry": "cfn-lint", "language": "python",
        "files": r"\.(json|yaml|yml|template)$"},
    "https://github.com/bridgecrewio/checkov": {
        "id": "checkov", "name": "Checkov", "entry": "checkov -d .", "language": "python",
        "pass_filenames": False, "files": r"\.tf$", "exclude": r"\.+.terraform\/.*$",
        "require_serial": True},
}


def readme_pre_commit_config() -> dict[str, Any]:
    """The ``.pre-commit-config.yaml`` of the README section on cfn-lint and checkov."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Inside cfn-lint and checkov"):]
    section = section[:section.index("\n## ", 1)]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    config: dict[str, Any] = yaml.safe_load(block)
    return config


def local_hook(repo_url: str) -> dict[str, Any]:
    """The README's hook for ``repo_url`` as pre-commit runs it (the upstream definition,
    then the entry's keys), as a ``repo: local`` hook on the tools already installed."""
    (repo,) = [r for r in readme_pre_commit_config()["repos"] if r["repo"] == repo_url]
    (entry,) = repo["hooks"]
    hook = {**UPSTREAM_HOOKS[repo_url], **entry, "language": "system"}
    hook.pop("additional_dependencies", None)
    return hook


def pre_commit_run(pre_commit: str, hook: dict[str, Any], files: dict[str, Path],
                   tmp_path: Path, path: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit run --all-files`` with one local hook in a throwaway git repository
    holding ``files`` (a directory is copied whole); ``path`` is the PATH hooks see."""
    assert GIT is not None
    repo = tmp_path / "project"
    repo.mkdir()
    for name, source in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(
        {"repos": [{"repo": "local", "hooks": [hook]}]}))
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run([GIT, "-c", "init.defaultBranch=main", *args], cwd=repo, check=True,
                       capture_output=True, timeout=120)
    env = {**os.environ, "PATH": path, "PRE_COMMIT_HOME": str(tmp_path / "home"),
           "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([pre_commit, "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def test_readme_pre_commit_entries_are_valid(tmp_path: Path) -> None:
    """The README's entries: the tools' own hooks, cwlint added to their environment,
    the ``=`` form of ``--append-rules`` (pre-commit appends the file names), and a
    configuration pre-commit accepts."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    config = readme_pre_commit_config()
    hooks = {r["repo"]: r["hooks"] for r in config["repos"]}
    assert set(hooks) == set(UPSTREAM_HOOKS)
    (cfn_lint,) = hooks["https://github.com/aws-cloudformation/cfn-lint"]
    assert cfn_lint["args"] == ["--append-rules=cwlint.plugins.cfn_lint_rules"]
    (checkov,) = hooks["https://github.com/bridgecrewio/checkov"]
    assert '--external-checks-dir "$dir"' in checkov["entry"]
    assert all(h["additional_dependencies"] == ["cwlint"] for h in (cfn_lint, checkov))
    for name, written in (("readme.yaml", config), ("local.yaml", {"repos": [
            {"repo": "local", "hooks": [local_hook(url) for url in UPSTREAM_HOOKS]}]})):
        (tmp_path / name).write_text(yaml.safe_dump(written))
        done = subprocess.run([pre_commit, "validate-config", str(tmp_path / name)],
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr


# --- the checks directories ------------------------------------------------------------


def test_checkov_check_files_are_safe_to_import_by_bare_name() -> None:
    directory = checks_dir("checkov")
    files = sorted(p for p in directory.glob("*.py") if p.name != "__init__.py")
    assert files
    for path in files:
        name = path.stem
        assert name.startswith("ckv_cwl_")
        assert importlib.util.find_spec(name) is None, f"{name} shadows an importable module"


def test_checkov_check_files_register_every_rule_group() -> None:
    directory = checks_dir("checkov")
    groups = set()
    for path in directory.glob("ckv_cwl_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "register_group":
                groups.add(node.args[0].value)  # type: ignore[attr-defined]
    assert {rule.number()[1] for rule in ALL_RULES} <= groups


# --- cwlint plugin-path ----------------------------------------------------------------


def test_plugin_path_prints_the_directories() -> None:
    for tool in TOOLS:
        done = subprocess.run([CWLINT, "plugin-path", tool], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        path = Path(done.stdout.strip())
        assert path.is_absolute() and path == checks_dir(tool) and path.is_dir()
    done = subprocess.run([CWLINT, "plugin-path", "tflint"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_plugin_path_verify_cfn_lint() -> None:
    done = subprocess.run([CWLINT, "plugin-path", "cfn-lint", "--verify"], capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "ok: cfn-lint" in done.stderr and "ECW001 reported" in done.stderr


def test_plugin_path_verify_fails_when_the_tool_cannot_load_cwlint(tmp_path: Path) -> None:
    fake = tmp_path / "cfn-lint"  # a cfn-lint whose Python cannot import cwlint
    hidden = tmp_path / "hide"
    (hidden / "cwlint").mkdir(parents=True)
    (hidden / "cwlint" / "__init__.py").write_text("raise ImportError('not installed here')\n")
    fake.write_text(f"#!/bin/sh\nPYTHONPATH={hidden} exec "
                    f"{Path(sys.executable).with_name('cfn-lint')} \"$@\"\n")
    fake.chmod(0o755)
    done = subprocess.run([CWLINT, "plugin-path", "cfn-lint", "--verify", "--tool", str(fake)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 1
    assert "did NOT load the cwlint plugins" in done.stderr
    assert "not installed here" in done.stderr
    missing = subprocess.run([CWLINT, "plugin-path", "checkov", "--verify", "--tool",
                              str(tmp_path / "nothing")], capture_output=True, text=True,
                             check=False)
    assert missing.returncode == 1 and "not found" in missing.stderr


# --- the wheel ships checks/ -----------------------------------------------------------


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built wheel, unpacked as site-packages would hold it."""
    out = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                            "-w", str(out), str(ROOT)], capture_output=True, text=True,
                           check=False, timeout=600, env=env, cwd=out)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("cwlint-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_contains_the_checks_directories(installed_wheel: Path) -> None:
    cfn = installed_wheel / "cwlint" / "checks" / "cfn_lint"
    checkov = installed_wheel / "cwlint" / "checks" / "checkov"
    assert (cfn / "cwlint_rules.py").is_file()
    assert (checkov / "__init__.py").is_file() and (checkov / "ckv_cwl_bootstrap.py").is_file()
    assert {p.name for p in checkov.glob("ckv_cwl_*.py")} == {
        p.name for p in checks_dir("checkov").glob("ckv_cwl_*.py")}
    assert not (installed_wheel / "checks").exists()  # no top-level "checks" package


def test_wheel_ships_the_licence(installed_wheel: Path) -> None:
    """The Apache-2.0 text in ``.dist-info/licenses/`` and the SPDX expression in the
    metadata (PEP 639), as the wheel's own METADATA file declares them."""
    (dist_info,) = installed_wheel.glob("cwlint-*.dist-info")
    shipped = dist_info / "licenses" / "LICENSE"
    assert shipped.read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert "Apache License\n                           Version 2.0" in shipped.read_text()
    metadata = (dist_info / "METADATA").read_text().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: Apache-2.0" in metadata
    assert "License-File: LICENSE" in metadata
    assert not [line for line in metadata if line.startswith("License:")]


def test_installed_plugin_path_points_into_the_package(installed_wheel: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed_wheel)}
    done = subprocess.run([sys.executable, "-m", "cwlint", "plugin-path", "cfn-lint"],
                          capture_output=True, text=True, check=False, env=env, cwd="/")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == installed_wheel / "cwlint" / "checks" / "cfn_lint"
    linted = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")),
                             f"--append-rules={path}", "--format", "parseable", "--", str(DEMO)],
                            capture_output=True, text=True, check=False, env=env, timeout=300)
    assert ":ECW002:" in linted.stdout, linted.stderr


# --- checkov check names ---------------------------------------------------------------


def test_every_checkov_check_is_named_for_what_it_ensures() -> None:
    """checkov prints the name beside PASSED: "Ensure the Lambda function's role can write
    to its log group ... PASSED", never a finding's wording passing."""
    from cwlint.plugins.checkov_support import check_name
    from cwlint.rules import ALL_RULES, RULES_BY_ID

    assert not [rule.id for rule in ALL_RULES if not rule.ensures]
    names = [check_name(rule) for rule in ALL_RULES]
    assert len(set(names)) == len(names)
    for rule, name in zip(ALL_RULES, names, strict=True):
        assert name.startswith("Ensure ") and name != f"Ensure {rule.title}"
        assert not re.search(r"\b(cannot|does not|do not|lacks)\b", name), name
        assert name.endswith(f"(cwlint {rule.id}, cfn-lint {rule.cfn_lint_id()})")
    assert check_name(RULES_BY_ID["CWL004"]).startswith(
        "Ensure the Lambda function's role can write to its log group")


# --- the checkov registration table ----------------------------------------------------


def test_checkov_catalog_is_what_the_rules_say() -> None:
    """The checkov checks register from a generated table (so that registering imports no
    rule): it must hold exactly every plugin rule, in order, with what the rule says."""
    from cwlint.plugins.checkov_catalog import BY_RULE_ID, CATALOG, check_info

    assert tuple(check_info(rule) for rule in ALL_RULES) == CATALOG
    assert list(BY_RULE_ID) == [rule.id for rule in ALL_RULES]
    cwl001 = BY_RULE_ID["CWL001"]
    assert cwl001.checkov_id == "CKV_CWL_001" and cwl001.severity == "HIGH"
    assert cwl001.categories[0] == "IAM" and cwl001.group == "0"
    assert "aws_lambda_function" in cwl001.terraform
    assert "AWS::Lambda::Function" in cwl001.cloudformation


def test_registering_the_checkov_checks_imports_no_rule() -> None:
    """What checkov's workers pay for loading ``checks/checkov``: the table, not the rules,
    the model or the engine (they load with the first check that runs)."""
    code = ("import sys; import cwlint.plugins.checkov_catalog as c; "
            "assert len(c.CATALOG) > 20; "
            "print(sorted(m for m in sys.modules if m.startswith('cwlint')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == str(["cwlint", "cwlint.plugins",
                                       "cwlint.plugins.checkov_catalog",
                                       "cwlint.plugins.checkov_table"])
