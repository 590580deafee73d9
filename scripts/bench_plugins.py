#!/usr/bin/env python3
"""What the cwlint plugins cost cfn-lint and checkov, and whether they agree with cwlint.

Run it with the project's virtualenv once ``.venv-checkov`` exists (``make bench-plugins``
does both)::

    .venv/bin/python scripts/bench_plugins.py [--every 20] [--repeats 5] [--output FILE]

In one run, on the same fixed sample of the third-party corpus (every ``--every``-th
CloudFormation template in sorted order, read in place):

1. ``cfn-lint`` without and with ``--append-rules=checks/cfn_lint``, all templates in one
   process, as pre-commit and CI run it;
2. ``checkov`` without and with ``--external-checks-dir checks/checkov``, all templates in
   one process, with checkov's default frameworks (what ``checkov -d .`` runs), the same
   with ``--skip-framework json yaml`` added to the plugin run (any external checks
   directory makes checkov's generic json and yaml frameworks parse every file; the
   README tells users without checks of that kind to skip them) and with
   ``--framework cloudformation`` only (the worst case for the plugin: the smallest
   baseline);
3. a single small template through each tool (a pre-commit run on one changed file);
4. ``checkov`` without and with the checks on Terraform: ``--framework terraform_plan`` on
   every ``--every``-th plan of the corpus's ``plan/`` directory, ``--framework terraform``
   on real Terraform directories of the corpus's ``tf/`` directory (``--tf-repos``, read in
   place) and on the project's HCL fixture modules. The fixtures are the plugin's worst
   case: 138 modules of a few resources each, so checkov's own work per module is small
   and cwlint's per-module analysis (and checkov's cost for the 1,300 extra check results)
   weighs most.

Each repeat runs the pair in alternating order (with first, then without first), and the
overhead of a repeat is ``with / without - 1``; the tables give the median over repeats
of wall time and of CPU time (user + system of the tool and its workers; CPU time hardly
depends on what else the machine runs, wall time does). The target is a median overhead
under 5 %. With ``--instructions`` every command runs once, under valgrind's callgrind,
and the overhead table gives its instruction count (the tool's and its child processes')
instead of its times, which under valgrind say nothing about the tool: a measure the
machine's load does not move, for deciding the target where the CPU times of single runs
vary by more than the plugin costs. It also checks, on the first repeat,
that the host's own findings are the same with and without cwlint, and that the plugins
report what ``cwlint scan`` reports.
Nothing here is a test: it reports, it never fails on a slow result.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

# cwlint is imported inside the functions: the attribution modes (run inside each host's
# environment) must measure what importing the plugin costs, so nothing may load it first

DEFAULT_CORPUS = Path("/work/shared/corpus/cfn")
DEFAULT_PLAN_CORPUS = Path("/work/shared/corpus/plan")
DEFAULT_TF_CORPUS = Path("/work/shared/corpus/tf")
#: Real Terraform of ``tf/`` that checkov scans in seconds, not minutes (its runner takes
#: 45-85 s on terraform-aws-vpc, -lambda or -ecs alone): two module repositories, and the
#: serverless-patterns projects on which ``cwlint scan`` has errors and warnings (so the
#: agreement is not vacuous).
DEFAULT_TF_REPOS = (
    "terraform-aws-modules__terraform-aws-cloudwatch",
    "terraform-aws-modules__terraform-aws-ec2-instance",
    "aws-samples__serverless-patterns/apigw-rest-api-eventbridge-terraform",
    "aws-samples__serverless-patterns/public-alb-private-api-terraform",
    "aws-samples__serverless-patterns/s3-trigger-lambda-glue-workflow-terraform",
    "aws-samples__serverless-patterns/sfn-lambda-function-crossaccount-terraform",
)
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRECTORIES = {".git", "node_modules", "__pycache__"}
TARGET = 0.05
SINGLE_TEMPLATE = PROJECT / "fixtures" / "demo" / "orders-service.yaml"



def cfn_lint_ids() -> set[str]:
    """Every cfn-lint id of cwlint (E/W/I CWnnn)."""
    from cwlint.rules import ALL_RULES

    return {f"{letter}CW{rule.number()}" for rule in ALL_RULES for letter in "EWI"}


def checkov_ids() -> set[str]:
    from cwlint.rules import ALL_RULES

    return {rule.checkov_id() for rule in ALL_RULES}


def log(message: str) -> None:
    """Progress on stderr; stdout is the markdown report."""
    print(f"[bench-plugins {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- running ---------------------------------------------------------------------------


@dataclass
class Run:
    """One finished process: wall and CPU seconds, exit code and output; with
    ``--instructions``, the instructions it and its child processes executed (else 0)."""

    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str
    instructions: int = 0


#: How ``--instructions`` runs a command: valgrind's callgrind counts the instructions of
#: the process and of every process it starts, and prints each count on stderr.
CALLGRIND = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             "--trace-children=yes"]
_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def run(command: Sequence[str], instructions: bool = False) -> Run:
    """Run ``command``; CPU time is the rusage of the children (the tool and the worker
    processes it waited for). ``instructions``: under :data:`CALLGRIND`, counting them."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # cfn-lint prints sets in its messages
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*CALLGRIND, *command] if instructions else command,
                          capture_output=True, text=True, errors="replace",
                          env=env, cwd=PROJECT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    counted = sum(int(n) for n in _COLLECTED.findall(done.stderr)) if instructions else 0
    return Run(wall, cpu, done.returncode, done.stdout, done.stderr, counted)


@dataclass
class Pair:
    """One measured configuration: the runs without and with the plugin."""

    label: str
    without: list[Run] = field(default_factory=list)
    with_: list[Run] = field(default_factory=list)

    def overheads(self, attribute: str) -> list[float]:
        return [getattr(w, attribute) / getattr(b, attribute) - 1
                for b, w in zip(self.without, self.with_, strict=True)]

    def median(self, runs: list[Run], attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in runs)


def run_each(commands: Sequence[Sequence[str]], instructions: bool = False) -> Run:
    """Run the commands one after the other, as one :class:`Run`: times and instructions
    summed, the worst exit code, outputs one after the other."""
    runs = [run(command, instructions) for command in commands]
    return Run(sum(r.wall for r in runs), sum(r.cpu for r in runs),
               max(r.returncode for r in runs), "\n".join(r.stdout for r in runs),
               "\n".join(r.stderr for r in runs), sum(r.instructions for r in runs))


def measure(pair: Pair, base: Sequence[str], plugin: Sequence[str], repeats: int,
            instructions: bool = False) -> None:
    """Run the two commands ``repeats`` times, alternating which goes first."""
    measure_each(pair, [base], [plugin], repeats, instructions)


def measure_each(pair: Pair, bases: Sequence[Sequence[str]], plugins: Sequence[Sequence[str]],
                 repeats: int, instructions: bool = False) -> None:
    """Like :func:`measure`, for a series of commands on each side (one checkov run per
    directory: checkov's Terraform runner given several ``-d`` checks the first one
    only)."""
    for index in range(repeats):
        order = [(False, bases), (True, plugins)]
        if index % 2:
            order.reverse()
        for with_plugin, commands in order:
            result = run_each(commands, instructions)
            (pair.with_ if with_plugin else pair.without).append(result)
            counted = f", {result.instructions / 1e9:.2f} G instructions" if instructions \
                else ""
            log(f"{pair.label} {'with' if with_plugin else 'without'} plugin, repeat "
                f"{index + 1}: {result.wall:.1f} s wall, {result.cpu:.1f} s CPU{counted}, "
                f"exit {result.returncode}")


# --- the sample ------------------------------------------------------------------------


def corpus_templates(root: Path) -> list[Path]:
    """Every CloudFormation template below ``root`` that cwlint recognizes, sorted."""
    from cwlint.cfn.loader import TemplateError, load_template

    found: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        found.extend(Path(directory) / name for name in files if name.endswith(TEMPLATE_SUFFIXES))
    templates = []
    for path in sorted(found):
        try:
            if load_template(str(path)).looks_like_cloudformation():
                templates.append(path)
        except TemplateError:
            continue
    return templates


def corpus_plans(root: Path) -> list[Path]:
    """Every Terraform plan JSON below ``root`` that cwlint recognizes, sorted."""
    from cwlint.terraform.plan import might_be_plan

    return sorted(p for p in root.rglob("*.json") if might_be_plan(str(p)))


def checkov_can_scan(path: Path) -> bool:
    """Whether checkov 3.x's CloudFormation runner survives the template: a resource whose
    ``Type`` is not a string aborts checkov's whole run ("unhashable type")."""
    from cwlint.cfn.loader import load_template

    resources = load_template(str(path)).template.get("Resources")
    return isinstance(resources, dict) and all(
        isinstance(r, dict) and isinstance(r.get("Type"), str) for r in resources.values())


# --- agreement -------------------------------------------------------------------------


@dataclass
class Agreement:
    """What the plugin reported against ``cwlint scan`` on the same sample."""

    host_unchanged: bool
    host_findings: int
    plugin_findings: int
    expected: int
    missing: list[str]
    extra: list[str]
    plugin_errors: int


def expected_findings(templates: Sequence[Path]) -> list[Any]:
    """``cwlint scan`` on the sample: the findings a plugin must reproduce (error and
    warning; info goes to informational classes / is not a checkov failure)."""
    from cwlint.engine import scan

    result = scan([str(t) for t in templates])
    return [f for f in result.findings if f.severity != "info"]


def cfn_lint_agreement(base: Run, with_plugin: Run, expected: list[Any]) -> Agreement:
    from cwlint.plugins.cfn_lint_rules import cfn_lint_id
    from cwlint.rules import RULES_BY_ID

    ids = cfn_lint_ids()

    def matches(output: str) -> list[dict[str, Any]]:
        data = json.loads(output or "[]")
        return data if isinstance(data, list) else []

    def key(match: dict[str, Any]) -> tuple[Any, ...]:
        start = match["Location"]["Start"]
        return (match["Filename"], match["Rule"]["Id"], start["LineNumber"],
                start["ColumnNumber"], match["Message"])

    before = Counter(key(m) for m in matches(base.stdout))
    after = matches(with_plugin.stdout)
    host_after = Counter(key(m) for m in after if m["Rule"]["Id"] not in ids)
    ours = {(m["Filename"], m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"])
            for m in after if m["Rule"]["Id"] in ids}
    wanted = {(f.file, cfn_lint_id(RULES_BY_ID[f.rule_id], f.severity), f.line)
              for f in expected}
    errors = sum(1 for m in after if m["Rule"]["Id"] == "E0002" and (
        "cwlint" in m["Message"] or any(f"rule {i}:" in m["Message"] for i in ids)))
    return Agreement(before == host_after, sum(before.values()), len(ours), len(wanted),
                     sorted(map(str, wanted - ours)), sorted(map(str, ours - wanted)), errors)


def checkov_reports(output: str) -> list[dict[str, Any]]:
    """checkov's JSON reports: one document, a list of them, or (with several ``-d``) one
    document per directory, one after the other."""
    decoder = json.JSONDecoder()
    reports: list[dict[str, Any]] = []
    text, position = output.strip(), 0
    while position < len(text):
        try:
            data, end = decoder.raw_decode(text, position)
        except ValueError:
            break
        reports += [r for r in (data if isinstance(data, list) else [data])
                    if isinstance(r, dict)]
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    return reports


def checkov_agreement(base: Run, with_plugin: Run, expected: list[Any]) -> Agreement:
    from cwlint.rules import RULES_BY_ID

    ids = checkov_ids()

    def records(output: str) -> list[dict[str, Any]]:
        found = []
        for report in checkov_reports(output):
            results = report.get("results", {})
            for kind in ("failed_checks", "passed_checks", "skipped_checks"):
                found.extend(results.get(kind, []))
        return found

    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        return (record["check_id"], record.get("file_abs_path"), record.get("resource"),
                record["check_result"]["result"])

    before = Counter(key(r) for r in records(base.stdout))
    after = records(with_plugin.stdout)
    host_after = Counter(key(r) for r in after if r["check_id"] not in ids)
    ours = set()
    for record in after:
        if record["check_id"] in ids and record["check_result"]["result"] == "FAILED":
            resource_id = str(record["resource"])  # a Terraform address as it is
            if "::" in resource_id:  # CloudFormation: AWS::Lambda::Function.OrdersFunction
                resource_id = resource_id.rsplit(".", 1)[-1]
            ours.add((os.path.abspath(record["file_abs_path"]), record["check_id"], resource_id))
    wanted = {(os.path.abspath(f.file), RULES_BY_ID[f.rule_id].checkov_id(), f.resource)
              for f in expected}
    errors = sum(1 for line in with_plugin.stderr.splitlines()
                 if ("[ERROR]" in line and ("CKV_CWL" in line or "cwlint" in line))
                 or "NOT loaded" in line)
    return Agreement(before == host_after, sum(before.values()), len(ours), len(wanted),
                     sorted(map(str, wanted - ours)), sorted(map(str, ours - wanted)), errors)


@functools.cache
def fixture_modules_tree() -> Path:
    """The module twin of every fixture scenario, copied side by side into one temporary
    directory (removed at exit), for ``checkov -d`` to walk as one tree."""
    from tests.fixture_layout import terraform_tree

    tree = Path(tempfile.mkdtemp(prefix="cwlint-bench-modules-"))
    atexit.register(shutil.rmtree, tree, ignore_errors=True)
    return terraform_tree(tree)[0]


def terraform_repositories(args: argparse.Namespace) -> list[Path]:
    """The ``--tf-repos`` directories of ``--tf-corpus`` that exist."""
    wanted = [args.tf_corpus / name for name in args.tf_repos.split(",") if name]
    found = [path for path in wanted if path.is_dir()]
    for path in sorted(set(wanted) - set(found)):
        log(f"{path}: not found, left out")
    return found


def terraform_files(directories: Sequence[Path]) -> int:
    """How many ``.tf`` files the directories hold."""
    return sum(1 for d in directories for _ in d.rglob("*.tf"))


def terraform_attribution_targets(args: argparse.Namespace
                                  ) -> list[tuple[str, list[list[Path]]]]:
    """The Terraform runs whose plugin share is attributed, each as the directories of
    its checkov runs: the corpus directories (one run each) and the fixture modules
    (labels as in :func:`measure_terraform`)."""
    repositories = terraform_repositories(args)
    hcl_fixtures = fixture_modules_tree()
    count = sum(1 for p in hcl_fixtures.iterdir() if p.is_dir())
    targets = [(f"checkov --framework terraform, {count} fixture modules", [[hcl_fixtures]])]
    if repositories:
        targets.insert(0, (f"checkov --framework terraform, {len(repositories)} corpus "
                           "directories, one run each", [[r] for r in repositories]))
    return targets


def measure_terraform(args: argparse.Namespace, checkov_dir: Path,
                      common: Sequence[str]) -> tuple[list[Pair], list[tuple[str, Agreement]]]:
    """checkov without and with the checks on corpus plans, on corpus Terraform
    repositories and on the HCL fixtures."""
    plans = corpus_plans(args.plan_corpus)[:: args.every]
    repositories = terraform_repositories(args)
    hcl_fixtures = fixture_modules_tree()
    modules = sorted(p for p in hcl_fixtures.iterdir() if p.is_dir())
    runs = ((f"checkov --framework terraform_plan, {len(plans)} corpus plans",
             [[x for p in plans for x in ("-f", str(p))]], "terraform_plan", plans),
            (f"checkov --framework terraform, {len(repositories)} corpus directories, one "
             f"run each ({terraform_files(repositories)} `.tf` files)",
             [["-d", str(r)] for r in repositories], "terraform", repositories),
            (f"checkov --framework terraform, {len(modules)} fixture modules",
             [["-d", str(hcl_fixtures)]], "terraform", [hcl_fixtures]))
    pairs, agreements = [], []
    for label, target_lists, framework, scanned in runs:
        if not scanned:
            continue
        pair = Pair(label)
        commands = [[args.checkov, *targets, *common, "--framework", framework]
                    for targets in target_lists]
        measure_each(pair, commands, [[*command, "--external-checks-dir", str(checkov_dir)]
                                      for command in commands], args.repeats,
                     args.instructions)
        pairs.append(pair)
        agreement = checkov_agreement(pair.without[0], pair.with_[0],
                                      expected_findings(scanned))
        agreements.append((label.split(" (")[0].removesuffix(", one run each"), agreement))
    return pairs, agreements


# --- attribution: the plugin's share of one in-process run ----------------------------

#: What the README tells checkov users without JSON / YAML checks of their own to add.
SKIP_GENERIC_FRAMEWORKS = ["--skip-framework", "json", "yaml"]
#: What every measured checkov run adds: a JSON report, no download from the platform.
CHECKOV_OUTPUT = ["--output", "json", "--skip-download"]

ATTRIBUTE_CFN_LINT = "_attribute-cfn-lint"
ATTRIBUTE_CHECKOV = "_attribute-checkov"
ATTRIBUTE_CHECKOV_TERRAFORM = "_attribute-checkov-terraform"


@dataclass
class Attribution:
    """CPU seconds of one run inside the host: importing the plugin, inside the plugin's
    rules / checks (engine included), and the whole run; of the time inside, how much was
    the garbage collector walking the host's heap; and the run's full collections."""

    label: str
    imports: float
    inside: float
    total: float
    calls: int
    gc_inside: float
    full_collections: int

    @property
    def share(self) -> float:
        """The plugin's CPU over the host's own CPU in the same run."""
        return (self.imports + self.inside) / max(self.total - self.inside, 1e-9)

    @property
    def share_without_gc(self) -> float:
        """The same, leaving out the collections that fell due while the plugin ran."""
        return (self.imports + self.inside - self.gc_inside) / max(
            self.total - self.inside, 1e-9)


class GcClock:
    """CPU time of the garbage collector's passes that start while ``inside`` is set, and
    the number of full (generation 2) collections, through :data:`gc.callbacks`."""

    def __init__(self) -> None:
        self.inside = False
        self.inside_seconds = 0.0
        self.full_collections = 0
        self._start = 0.0
        self._counting = False

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._counting = self.inside
            self._start = time.process_time()
            return
        if self._counting:
            self.inside_seconds += time.process_time() - self._start
        if info.get("generation") == 2:
            self.full_collections += 1

    def install(self) -> GcClock:
        gc.callbacks.append(self)
        return self


def attribute_cfn_lint(rules_dir: str, files: Sequence[str]) -> dict[str, float]:
    """``_attribute-cfn-lint`` mode (in cfn-lint's environment): one cfn-lint run over
    ``files`` in this process, timing the cwlint rule calls."""
    clock = time.process_time
    from cfnlint.config import ConfigMixIn
    from cfnlint.rules import Rules
    from cfnlint.runner.cli import Runner

    start = clock()
    import cwlint.plugins.cfn_lint_rules as plugin

    imports = clock() - start
    ours = {cls.id for cls in plugin.RULE_CLASSES}
    spent, calls = [0.0], [0]
    original = Rules.run_check
    collector = GcClock().install()

    def run_check(self: Any, check: Any, filename: Any, rule_id: str, *args: Any) -> Any:
        if rule_id not in ours:
            yield from original(self, check, filename, rule_id, *args)
            return
        begin = clock()
        collector.inside = True
        try:
            matches = list(original(self, check, filename, rule_id, *args))
        finally:
            collector.inside = False
        spent[0] += clock() - begin
        calls[0] += 1
        yield from matches

    Rules.run_check = run_check  # type: ignore[method-assign]
    runner = Runner(ConfigMixIn([f"--append-rules={rules_dir}", "--format", "json", "--",
                                 *files]))
    begin = clock()
    for _ in runner.run():
        pass
    return {"imports": imports, "inside": spent[0], "total": clock() - begin + imports,
            "calls": calls[0], "gc_inside": collector.inside_seconds,
            "full_collections": collector.full_collections}


def attribute_checkov_terraform(checks: str, directories: Sequence[str]) -> dict[str, float]:
    """``_attribute-checkov-terraform`` mode: as :func:`attribute_checkov`, with checkov's
    Terraform framework on module directories (``-d``)."""
    return attribute_checkov(checks, directories, framework="terraform", flag="-d")


def attribute_checkov(checks: str, files: Sequence[str], framework: str = "cloudformation",
                      flag: str = "-f") -> dict[str, float]:
    """``_attribute-checkov`` mode (in checkov's environment): one checkov run, CloudFormation
    framework, in this process, timing the CKV_CWL checks (the engine and cfn-lint's
    decoder are imported lazily inside the first one, so they count there)."""
    import contextlib
    import io

    clock = time.process_time
    import checkov.common.checks.base_check_registry as registry
    from checkov.main import Checkov

    start = clock()
    import cwlint.plugins.checkov_checks  # noqa: F401  (what loading checks/checkov imports)

    imports = clock() - start
    spent, calls = [0.0], [0]
    original = registry.BaseCheckRegistry.run_check
    collector = GcClock().install()

    def run_check(self: Any, check: Any, *args: Any, **kwargs: Any) -> Any:
        if not str(check.id).startswith("CKV_CWL_"):
            return original(self, check, *args, **kwargs)
        begin = clock()
        collector.inside = True
        try:
            return original(self, check, *args, **kwargs)
        finally:
            collector.inside = False
            spent[0] += clock() - begin
            calls[0] += 1

    registry.BaseCheckRegistry.run_check = run_check  # type: ignore[method-assign]
    flags = [x for f in files for x in (flag, f)]
    argv = [*flags, "--framework", framework, "--output", "json", "--skip-download",
            "--external-checks-dir", checks]
    begin = clock()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        Checkov(argv=argv).run()
    return {"imports": imports, "inside": spent[0], "total": clock() - begin + imports,
            "calls": calls[0], "gc_inside": collector.inside_seconds,
            "full_collections": collector.full_collections}


#: The attribution modes, run with the host environment's Python (see :func:`attribution`).
ATTRIBUTION_MODES = {ATTRIBUTE_CFN_LINT: attribute_cfn_lint, ATTRIBUTE_CHECKOV: attribute_checkov,
                     ATTRIBUTE_CHECKOV_TERRAFORM: attribute_checkov_terraform}


def attribution(label: str, python: str, mode: str, target: str,
                files: Sequence[str]) -> Attribution | None:
    """Run an attribution mode with the host environment's Python."""
    done = run([python, str(Path(__file__).resolve()), mode, target, *files])
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        log(f"{label}: attribution failed: {done.stderr[-500:]}")
        return None
    return Attribution(label, data["imports"], data["inside"], data["total"], int(data["calls"]),
                       data["gc_inside"], int(data["full_collections"]))


def summed(label: str, parts: Sequence[Attribution]) -> Attribution:
    """The attribution of a series of runs (one checkov run per directory) as one."""
    return Attribution(label, sum(p.imports for p in parts), sum(p.inside for p in parts),
                       sum(p.total for p in parts), sum(p.calls for p in parts),
                       sum(p.gc_inside for p in parts),
                       sum(p.full_collections for p in parts))


def attribution_rows(results: Sequence[Attribution]) -> list[str]:
    rows = ["| run | host CPU | plugin import | inside the plugin (calls) | of which GC | "
            "plugin share | share without GC | full collections |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for a in results:
        rows.append(f"| {a.label} | {a.total - a.inside - a.imports:.2f} s | "
                    f"{a.imports:.2f} s | {a.inside:.2f} s ({a.calls:,}) | "
                    f"{a.gc_inside:.2f} s | **{percent(a.share)}** | "
                    f"{percent(a.share_without_gc)} | {a.full_collections} |")
    return rows


# --- report ----------------------------------------------------------------------------


def percent(value: float) -> str:
    return f"{value * 100:+.1f} %"


def overhead_rows(pairs: Sequence[Pair]) -> list[str]:
    rows = ["| run | without | with | overhead (median) | per repeat | target < 5 % |",
            "|---|---:|---:|---:|---|---|"]
    for pair in pairs:
        measures = [("wall", "wall", 1.0, "s"), ("cpu", "CPU", 1.0, "s")]
        if all(r.instructions for r in pair.without + pair.with_):
            # times measured under valgrind say nothing about the tools
            measures = [("instructions", "instructions", 1e9, "G")]
        for attribute, unit, scale, suffix in measures:
            overheads = pair.overheads(attribute)
            middle = statistics.median(overheads)
            rows.append(
                f"| {pair.label}, {unit} | "
                f"{pair.median(pair.without, attribute) / scale:.2f} {suffix} | "
                f"{pair.median(pair.with_, attribute) / scale:.2f} {suffix} | "
                f"**{percent(middle)}** | "
                f"{', '.join(percent(o) for o in overheads)} | "
                f"{'met' if middle < TARGET else 'NOT met'} |")
    return rows


def agreement_rows(results: Sequence[tuple[str, Agreement]]) -> list[str]:
    rows = ["| host | host findings unchanged | plugin findings | `cwlint scan` findings | "
            "missing | extra | plugin errors |", "|---|---|---:|---:|---:|---:|---:|"]
    for label, a in results:
        rows.append(f"| {label} | {'yes' if a.host_unchanged else 'NO'} "
                    f"({a.host_findings}) | {a.plugin_findings} | {a.expected} | "
                    f"{len(a.missing)} | {len(a.extra)} | {a.plugin_errors} |")
    for label, a in results:
        for item in a.missing[:10]:
            rows.append(f"\n{label} missing: `{item}`")
        for item in a.extra[:10]:
            rows.append(f"\n{label} extra: `{item}`")
    return rows


def version(command: Sequence[str]) -> str:
    done = run(command)
    return (done.stdout or done.stderr).strip().splitlines()[-1] if done.returncode == 0 \
        else "?"


# --- main ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--plan-corpus", type=Path, default=DEFAULT_PLAN_CORPUS,
                        help="Terraform plans for the terraform_plan runs (every Nth too)")
    parser.add_argument("--every", type=int, default=20, metavar="N",
                        help="sample every Nth corpus template in sorted order (default 20)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tf-corpus", type=Path, default=DEFAULT_TF_CORPUS,
                        help="the directory of real Terraform repositories")
    parser.add_argument("--tf-repos", default=",".join(DEFAULT_TF_REPOS), metavar="A,B",
                        help="the directories of --tf-corpus that checkov scans (comma-"
                             "separated paths relative to it)")
    parser.add_argument("--cfn-lint", default=str(PROJECT / ".venv" / "bin" / "cfn-lint"))
    parser.add_argument("--checkov", default=str(PROJECT / ".venv-checkov" / "bin" / "checkov"))
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--terraform-only", action="store_true",
                        help="only checkov on Terraform: plans, corpus repositories, fixtures")
    parser.add_argument("--output", type=Path, help="also write the report here")
    parser.add_argument("--instructions", action="store_true",
                        help="count each command's instructions under valgrind's "
                             "callgrind, which the machine's load does not move, instead "
                             "of timing it (one repeat; each run about 50 times slower)")
    args = parser.parse_args(argv)
    if args.every < 1 or args.repeats < 1:
        parser.error("--every and --repeats must be positive")
    if args.instructions:
        if shutil.which("valgrind") is None:
            parser.error("--instructions needs valgrind on PATH")
        args.repeats = 1  # a count does not vary from one run to the next
    return args


def measure_cloudformation(args: argparse.Namespace, files: list[str], expected: list[Any],
                           pairs: list[Pair], agreements: list[tuple[str, Agreement]],
                           cfn_dir: str, checkov_dir: str) -> tuple[list[Path], int]:
    """cfn-lint, then checkov on CloudFormation, without and with the plugins, on the
    sample; returns the templates checkov can scan and how many it cannot."""
    cfn_lint = Pair(f"cfn-lint, {len(files)} templates")
    base = [args.cfn_lint, "--format", "json", "--", *files]
    plugin = [args.cfn_lint, f"--append-rules={cfn_dir}", "--format", "json", "--", *files]
    measure(cfn_lint, base, plugin, args.repeats, args.instructions)
    pairs.append(cfn_lint)
    agreements.append(("cfn-lint", cfn_lint_agreement(cfn_lint.without[0], cfn_lint.with_[0],
                                                      expected)))
    single = Pair("cfn-lint, 1 template")
    measure(single, [args.cfn_lint, "--", str(SINGLE_TEMPLATE)],
            [args.cfn_lint, f"--append-rules={cfn_dir}", "--", str(SINGLE_TEMPLATE)],
            args.repeats, args.instructions)
    pairs.append(single)
    if args.skip_checkov:
        return [], 0
    sample = [Path(f) for f in files]
    scannable = [t for t in sample if checkov_can_scan(t)]
    checkov_expected = [f for f in expected if Path(f.file) in set(scannable)]
    flags = [x for t in scannable for x in ("-f", str(t))]
    common = CHECKOV_OUTPUT
    # with any --external-checks-dir, checkov's generic json and yaml frameworks (no
    # checks of their own, so idle otherwise) parse every JSON / YAML file; the
    # README's advice to skip them is measured as its own row
    runs = ((f"checkov (default frameworks), {len(scannable)} templates", [], []),
            (f"checkov (default frameworks; the plugin run with --skip-framework json "
             f"yaml), {len(scannable)} templates", [], SKIP_GENERIC_FRAMEWORKS),
            (f"checkov --framework cloudformation, {len(scannable)} templates",
             ["--framework", "cloudformation"], []))
    for label, extra, plugin_extra in runs:
        pair = Pair(label)
        command = [args.checkov, *flags, *common, *extra]
        measure(pair, command, [*command, "--external-checks-dir", str(checkov_dir),
                                *plugin_extra], args.repeats, args.instructions)
        pairs.append(pair)
        agreements.append((label.split(",")[0], checkov_agreement(
            pair.without[0], pair.with_[0], checkov_expected)))
    single_checkov = Pair("checkov --framework cloudformation, 1 template")
    command = [args.checkov, "-f", str(SINGLE_TEMPLATE), *common,
               "--framework", "cloudformation"]
    measure(single_checkov, command,
            [*command, "--external-checks-dir", str(checkov_dir)], args.repeats,
            args.instructions)
    pairs.append(single_checkov)
    return scannable, len(sample) - len(scannable)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    templates = corpus_templates(args.corpus)
    sample = templates[:: args.every]
    log(f"{len(templates)} corpus templates, sample of {len(sample)} (every {args.every}th)")
    expected = expected_findings(sample)
    files = [str(t) for t in sample]
    from cwlint.plugins.paths import checks_dir

    cfn_dir, checkov_dir = checks_dir("cfn-lint"), checks_dir("checkov")

    pairs: list[Pair] = []
    agreements: list[tuple[str, Agreement]] = []
    common = CHECKOV_OUTPUT
    skipped = 0
    scannable: list[Path] = []
    if not args.terraform_only:
        scannable, skipped = measure_cloudformation(args, files, expected, pairs, agreements,
                                                    str(cfn_dir), str(checkov_dir))
    if not args.skip_checkov:
        terraform_pairs, terraform_agreements = measure_terraform(args, checkov_dir, common)
        pairs.extend(terraform_pairs)
        agreements.extend(terraform_agreements)

    attributions: list[Attribution] = []
    checkov_python = str(Path(args.checkov).with_name("python"))
    for index in range(args.repeats):
        runs: list[tuple[str, str, str, str, list[str]]] = []
        if not args.terraform_only:
            runs.append((f"cfn-lint, {len(files)} templates", sys.executable,
                         ATTRIBUTE_CFN_LINT, str(cfn_dir), files))
            if not args.skip_checkov:
                runs.append((f"checkov --framework cloudformation, {len(scannable)} templates",
                             checkov_python, ATTRIBUTE_CHECKOV, str(checkov_dir),
                             [str(t) for t in scannable]))
        for label, python, mode, target, targets in runs:
            found = attribution(label, python, mode, target, targets)
            if found:
                attributions.append(found)
        if not args.skip_checkov:
            for label, groups in terraform_attribution_targets(args):
                parts = [attribution(label, checkov_python, ATTRIBUTE_CHECKOV_TERRAFORM,
                                     str(checkov_dir), [str(d) for d in group])
                         for group in groups]
                if parts and all(parts):
                    attributions.append(summed(label, [p for p in parts if p]))
        log(f"attribution repeat {index + 1} done")
    medians = []
    for label in dict.fromkeys(a.label for a in attributions):
        same = sorted((a for a in attributions if a.label == label), key=lambda a: a.share)
        medians.append(same[len(same) // 2])

    lines = [
        "### Plugin overhead",
        "",
        f"Sample: every {args.every}th of the {len(templates):,} CloudFormation templates of "
        f"`{args.corpus}` in sorted order ({len(sample)} templates"
        + (f"; {skipped} of them left out for checkov, whose CloudFormation runner aborts "
           "the whole run on a resource whose `Type` is not a string" if skipped else "")
        + f"), all passed to one process; {args.repeats} repeats in alternating order; "
        "overhead = with / without - 1. Terraform: every "
        f"{args.every}th plan of `{args.plan_corpus}`, the directories "
        f"{', '.join(f'`{name}`' for name in args.tf_repos.split(',') if name)} of "
        f"`{args.tf_corpus}`, and the HCL fixture modules.",
        "",
        *overhead_rows(pairs),
        "",
        "Where the time goes, from inside one run (CPU time, median run of the repeats): "
        "what importing the plugin costs once the host is loaded, what the plugin's rule / "
        "check calls cost (the engine included), and their sum over the host's own time. "
        "Both sides of the ratio come from the same process, so it hardly depends on what "
        "else the machine is running.",
        "",
        *attribution_rows(medians),
        "",
        "Agreement (first repeat): the host's own findings with and without cwlint, and the "
        "plugin's findings against `cwlint scan` on the same templates (errors and "
        "warnings; file, rule and line for cfn-lint, file, rule and resource for checkov).",
        "",
        *agreement_rows(agreements),
        "",
        f"cfn-lint {version([args.cfn_lint, '--version'])}"
        + ("" if args.skip_checkov else f", checkov {version([args.checkov, '--version'])}")
        + f", Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}. "
        f"_Run took {time.perf_counter() - started:.0f} s; 1-minute load average "
        f"{load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end._",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in ATTRIBUTION_MODES:
        mode, target, *targets = sys.argv[1:]
        print(json.dumps(ATTRIBUTION_MODES[mode](target, targets)))
        raise SystemExit(0)
    raise SystemExit(main())
