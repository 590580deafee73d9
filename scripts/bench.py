#!/usr/bin/env python3
"""Benchmark cwlint on this machine and print markdown tables for the README.

Run it with the project's virtualenv (``make bench`` does)::

    .venv/bin/python scripts/bench.py [--repeats 5] [--every 20] [--output bench.md]

What it measures, in one run (progress goes to stderr, the tables to stdout):

1. **Corpus**: ``cwlint scan --format json`` against ``cfn-lint --format json`` (built-in
   rules, default settings) on the same fixed sample of the third-party corpus (every
   ``--every``-th template in sorted order), each tool run as fresh processes with the
   templates passed as arguments in batches of ``--batch-size``; then cwlint alone on
   the whole corpus in one process, and both tools' start-up time (``--version``).
2. **Scale**: templates of N resources from ``scripts/gen_scale.py``; ``cwlint scan``'s
   wall time and peak memory (``/usr/bin/time -v``, else ``getrusage`` of a child), and,
   in a fresh interpreter, the time spent parsing (``load_template``) apart from the time
   spent analysing (``build_model`` + ``run_rules``). The same stack as a Terraform plan
   (``gen_scale.py --kind plan``, ``terraform show -json`` format 1.2) and as a Terraform
   module directory (``--kind hcl``), ``--scale-kinds`` choosing which; for those, parse
   is reading the input into resources (the plan's JSON and ``plan_resources``, or the
   ``.tf`` files and module evaluation).
3. **Terraform**: ``checkov -d MODULE --framework terraform`` against ``cwlint scan
   MODULE`` on a real Terraform repository of the corpus (terraform-aws-lambda, every
   module directory in it), and, from section 2, each size's Terraform module directory
   against the plan JSON of the same stack (wall time ratio, and the module's peak RSS).
4. **Profile**: cProfile of the largest scale case (the hot spots by own time and the
   cwlint functions by cumulative time), what imports cost at start-up, and how much
   of the scan is Python's cyclic garbage collector.

Every figure is the median of the repeats. Nothing here is a test: it never fails on a
slow result, it reports the result against the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpus/cfn")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRECTORIES = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", ".terraform",
                       "__pycache__"}
GNU_TIME = Path("/usr/bin/time")
RSS_MARKER = "cwlint-bench-rusage:"

#: Targets from the "Speed, scale and robustness" issue.
TARGET_SPEEDUP = 10.0
TARGET_10K_SECONDS = 2.0
TARGET_10K_MB = 300.0
TARGET_10K_1K_RATIO = 12.0
#: Targets from the "Terraform as users install it and write it" issue.
TARGET_CHECKOV_SPEEDUP = 50.0
TARGET_HCL_PLAN_RATIO = 1.5
DEFAULT_TF_MODULE = Path("/work/shared/corpus/tf/terraform-aws-modules__terraform-aws-lambda")


def log(message: str) -> None:
    """Progress on stderr, so stdout stays clean markdown."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- running commands -----------------------------------------------------------------


@dataclass
class Run:
    """One finished process: wall seconds, CPU seconds (user + system) and peak RSS in KiB
    (None when unknown), exit code and output."""

    wall: float
    cpu: float | None
    max_rss_kb: int | None
    returncode: int
    stdout: str
    stderr: str


def run_measured(command: Sequence[str], cwd: Path) -> Run:
    """Run ``command`` as a fresh process and measure its wall time, CPU time and peak
    memory.

    CPU time and peak memory come from GNU time's ``-v`` report when ``/usr/bin/time``
    exists, else from ``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process (this
    script's ``_rusage`` mode). The measurement tool's own lines are removed from
    ``stderr``. CPU time hardly depends on what else the machine runs; wall time does.
    """
    if GNU_TIME.exists():
        wrapped = [str(GNU_TIME), "-v", *command]
    else:
        wrapped = [sys.executable, str(Path(__file__).resolve()), "_rusage", *command]
    start = time.perf_counter()
    proc = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True, errors="replace",
                          check=False)
    wall = time.perf_counter() - start
    stderr, cpu, rss = _split_rusage(proc.stderr)
    return Run(wall, cpu, rss, proc.returncode, proc.stdout, stderr)


_TIME_V_START = re.compile(r"^\tCommand being timed: ", re.MULTILINE)
_TIME_V_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_TIME_V_CPU = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")


def _split_rusage(stderr: str) -> tuple[str, float | None, int | None]:
    """Separate the program's stderr from GNU time's (or the wrapper's) report: the
    program's stderr, CPU seconds and peak RSS in KiB."""
    if RSS_MARKER in stderr:
        head, _, tail = stderr.rpartition(RSS_MARKER)
        cpu, rss = tail.split()[:2]
        return head.removesuffix("\n"), float(cpu), int(rss)
    found = _TIME_V_START.search(stderr)
    if found is None:
        return stderr, None, None
    report = stderr[found.start():]
    rss = _TIME_V_RSS.search(report)
    cpu = [float(v) for v in _TIME_V_CPU.findall(report)]
    program = stderr[: found.start()]
    program = re.sub(r"(?m)^Command exited with non-zero status \d+\n?", "", program)
    program = re.sub(r"(?m)^Command terminated by signal \d+\n?", "", program)
    return program, sum(cpu) if cpu else None, int(rss.group(1)) if rss else None


def rusage_wrapper(command: Sequence[str]) -> int:
    """``_rusage`` mode: run ``command``, then print its CPU seconds and peak RSS (KiB)
    on stderr."""
    import resource

    proc = subprocess.run(list(command), check=False)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss
    if sys.platform == "darwin":  # bytes there, KiB on Linux
        rss //= 1024
    sys.stderr.write(f"\n{RSS_MARKER} {usage.ru_utime + usage.ru_stime:.3f} {rss}\n")
    return proc.returncode


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


def tool(name: str) -> str:
    """The console script ``name`` next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: cannot find the {name} command")
    return found


# --- environment ----------------------------------------------------------------------


def git_commit(root: Path) -> str:
    """The checked-out commit, read from ``.git`` directly (no git command is run); in a
    worktree ``.git`` is a file naming its git directory, whose refs live in the common
    directory."""
    git = root / ".git"
    try:
        if git.is_file():  # "gitdir: <path>"
            git = (root / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        common = git / "commondir"
        if common.is_file():
            git = (git / common.read_text().strip()).resolve()
        ref_file = git / ref
        if ref_file.exists():
            return f"{ref_file.read_text().strip()[:12]} ({ref.rsplit('/', 1)[-1]})"
        packed = git / "packed-refs"
        if packed.exists():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return f"{line.split()[0][:12]} ({ref.rsplit('/', 1)[-1]})"
        return f"unborn ({ref})"
    except OSError:
        return "unknown (no .git)"


def version_of(distribution: str) -> str:
    """The installed version of ``distribution`` or ``"not installed"``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """The processor's model name on Linux, else what :mod:`platform` says."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average (other work on the machine skews the timings)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def environment_lines() -> list[str]:
    """What was measured, on what."""
    try:
        import yaml

        libyaml = "with libyaml" if hasattr(yaml, "CSafeLoader") else "pure Python"
        pyyaml = f"{yaml.__version__} ({libyaml})"
    except ImportError:  # pragma: no cover - cwlint depends on it
        pyyaml = "not installed"
    return [
        f"- cwlint {version_of('cwlint')}, commit {git_commit(PROJECT)}",
        f"- cfn-lint {version_of('cfn-lint')}, PyYAML {pyyaml}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"- {os.cpu_count()} CPUs ({cpu_model()}), "
        f"peak memory from {'/usr/bin/time -v' if GNU_TIME.exists() else 'getrusage'}",
    ]


def run_footer(started: float, load_at_start: str) -> str:
    """How long the run took and how busy the machine was."""
    return (f"_Benchmark run took {time.perf_counter() - started:.0f} s; 1-minute load "
            f"average {load_at_start} at the start, {load_average()} at the end._")


# --- 1. corpus ------------------------------------------------------------------------


def corpus_templates(root: Path) -> list[Path]:
    """Every file with a template suffix under ``root``, in sorted path order."""
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        found.extend(Path(directory, name) for name in files if name.endswith(TEMPLATE_SUFFIXES))
    return sorted(found)


def batches(items: Sequence[Path], size: int) -> Iterator[list[str]]:
    """``items`` as lists of at most ``size`` path strings."""
    for start in range(0, len(items), size):
        yield [str(p) for p in items[start:start + size]]


@dataclass
class ToolRun:
    """The repeats of one tool over one input set."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    results: int = 0  # findings (cwlint) or matches (cfn-lint) of the first repeat
    errors: int = 0  # inputs cwlint could not read, in the first repeat
    returncodes: set[int] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return median(self.walls)

    @property
    def cpu(self) -> float | None:
        return median(self.cpus) if self.cpus else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb else None


def cwlint_output(run: Run, label: str, into: ToolRun) -> None:
    """Check one ``cwlint scan --format json`` run: count results, note what went wrong."""
    into.returncodes.add(run.returncode)
    if run.returncode not in (0, 1, 2):
        into.problems.append(f"{label}: exit code {run.returncode}: {_tail(run.stderr)}")
    if "Traceback" in run.stderr:
        into.problems.append(f"{label}: traceback on stderr: {_tail(run.stderr)}")
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        into.problems.append(f"{label}: stdout is not JSON: {_tail(run.stdout or run.stderr)}")
        return
    into.results += len(report.get("findings", []))
    into.errors += len(report.get("errors", []))
    for error in report.get("errors", []):
        if "internal error" in error.get("message", ""):
            into.problems.append(f"{error.get('file')}: {error.get('message')}")


def cfn_lint_output(run: Run, label: str, into: ToolRun) -> None:
    """Check one ``cfn-lint --format json`` run (non-zero exit codes are findings)."""
    into.returncodes.add(run.returncode)
    if "Traceback" in run.stderr:
        into.problems.append(f"{label}: traceback on stderr: {_tail(run.stderr)}")
    try:
        matches = json.loads(run.stdout) if run.stdout.strip() else []
    except json.JSONDecodeError:
        into.problems.append(f"{label}: stdout is not JSON: {_tail(run.stdout or run.stderr)}")
        return
    into.results += len(matches)


def _tail(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "..." + text[-limit:]


def measure_tool(
    name: str,
    commands: Sequence[list[str]],
    repeats: int,
    workdir: Path,
    check: Callable[[Run, str, ToolRun], None],
) -> ToolRun:
    """Run every command of one measurement ``repeats`` times; a repeat's wall and CPU
    times are sums over its commands (each a fresh process), its memory the largest peak."""
    result = ToolRun()
    for repeat in range(repeats):
        total, cpu, peak = 0.0, 0.0, 0
        cpu_known = True
        for index, command in enumerate(commands):
            run = run_measured(command, workdir)
            total += run.wall
            cpu_known = cpu_known and run.cpu is not None
            cpu += run.cpu or 0.0
            peak = max(peak, run.max_rss_kb or 0)
            if repeat == 0:
                check(run, f"{name} batch {index + 1}", result)
        result.walls.append(total)
        if cpu_known:
            result.cpus.append(cpu)
        if peak:
            result.rss_kb.append(peak)
        log(f"  {name} repeat {repeat + 1}/{repeats}: {total:.2f} s wall, {cpu:.2f} s CPU")
    return result


def crashed(run: Run) -> bool:
    """Did the process die with a Python traceback (cfn-lint then prints no results)?"""
    return "Traceback (most recent call last)" in run.stderr


def cfn_lint_crashers(
    cfn_lint: str, files: Sequence[Path], workdir: Path
) -> list[tuple[Path, str]]:
    """The templates among ``files`` that make cfn-lint crash, found by bisection.

    cfn-lint aborts the whole invocation on such a template and prints nothing, so a batch
    holding one would be timed on less work than it was given.
    """
    run = run_measured([cfn_lint, "--format", "json", "--", *map(str, files)], workdir)
    if not crashed(run):
        return []
    if len(files) == 1:
        lines = [line for line in run.stderr.strip().splitlines() if line.strip()]
        return [(files[0], lines[-1].strip() if lines else "crashed")]
    middle = len(files) // 2
    return (cfn_lint_crashers(cfn_lint, files[:middle], workdir)
            + cfn_lint_crashers(cfn_lint, files[middle:], workdir))


@dataclass
class CorpusResults:
    """Everything section 1 measured."""

    excluded: list[tuple[Path, str]]
    sample_size: int
    corpus_size: int
    batch_count: int
    cwlint: ToolRun
    cfn_lint: ToolRun | None
    full: ToolRun | None
    cwlint_startup: float
    cfn_lint_startup: float | None


def bench_corpus(args: argparse.Namespace, workdir: Path) -> CorpusResults:
    """Section 1: cwlint against cfn-lint on the corpus sample, cwlint on all of it."""
    templates = corpus_templates(args.corpus)
    if not templates:
        raise SystemExit(f"bench: no templates under {args.corpus}")
    sample = templates[:: args.every]
    cwlint, cfn_lint = tool("cwlint"), tool("cfn-lint")
    log(f"corpus: {len(templates)} templates, sample of {len(sample)} (every {args.every}th)")

    startup = measure_tool("cwlint --version", [[cwlint, "--version"]], args.repeats, workdir,
                           lambda *_: None).wall
    cfn_startup = None
    if not args.skip_cfn_lint:
        cfn_startup = measure_tool("cfn-lint --version", [[cfn_lint, "--version"]],
                                   args.repeats, workdir, lambda *_: None).wall

    excluded: list[tuple[Path, str]] = []
    if not args.skip_cfn_lint:
        log("screening the sample for templates that crash cfn-lint (one untimed pass)")
        for group in batches(sample, args.batch_size):
            excluded += cfn_lint_crashers(cfn_lint, [Path(p) for p in group], workdir)
        left_out = {path for path, _ in excluded}
        sample = [p for p in sample if p not in left_out]
    groups = list(batches(sample, args.batch_size))
    ours = measure_tool("cwlint sample", [[cwlint, "scan", "--format", "json", *g]
                                          for g in groups], args.repeats, workdir,
                        cwlint_output)
    theirs = None
    if not args.skip_cfn_lint:
        theirs = measure_tool("cfn-lint sample", [[cfn_lint, "--format", "json", "--", *g]
                                                  for g in groups], args.repeats, workdir,
                              cfn_lint_output)
    full = None
    if not args.skip_full_corpus:
        full = measure_tool("cwlint whole corpus",
                            [[cwlint, "scan", "--format", "json", str(args.corpus)]],
                            args.repeats, workdir, cwlint_output)
    return CorpusResults(excluded, len(sample), len(templates), len(groups), ours, theirs,
                         full, startup, cfn_startup)


# --- 2. scale -------------------------------------------------------------------------


#: What ``--scale-kinds`` can name: a CloudFormation template, a Terraform plan (JSON), a
#: Terraform module directory (HCL); the file or directory name gen_scale.py writes.
SCALE_KINDS = {"cfn": "scale-{n}.yaml", "plan": "scale-{n}-plan.json", "hcl": "scale-{n}-tf"}
KIND_TITLES = {"cfn": "one CloudFormation template of N resources",
               "plan": "one Terraform plan of N resources (terraform show -json)",
               "hcl": "one Terraform module directory of N resources (.tf files)"}


@dataclass
class ScaleResult:
    """cwlint on one generated input of ``resources`` resources (``kind``: SCALE_KINDS)."""

    resources: int
    path: Path
    cli: ToolRun
    parse: float = 0.0
    analysis: float = 0.0
    phase_problems: list[str] = field(default_factory=list)
    kind: str = "cfn"
    decode: float | None = None  # a plan's JSON decoding, part of parse
    #: HCL only: (module, plan) CPU seconds of runs made in alternating pairs with the plan
    #: of the same size, so that both sides of each ratio see the same machine load
    paired_cpu: list[tuple[float, float]] = field(default_factory=list)


_GENERATED: dict[tuple[int, Path, str], Path] = {}


def generate(count: int, workdir: Path, kind: str = "cfn") -> Path:
    """Write the scale input of ``count`` resources with ``scripts/gen_scale.py`` (once
    per run: a kept ``--workdir`` may hold one from an older generator)."""
    key = (count, workdir, kind)
    if key not in _GENERATED:
        out = workdir / SCALE_KINDS[kind].format(n=count)
        if out.is_dir():
            shutil.rmtree(out)
        subprocess.run([sys.executable, str(PROJECT / "scripts" / "gen_scale.py"),
                        str(count), str(out), "--kind", kind], check=True)
        _GENERATED[key] = out
    return _GENERATED[key]


def input_bytes(path: Path) -> int:
    """Size of a file, or of the files directly in a directory."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def phases_in_child(path: Path, workdir: Path, no_gc: bool = False,
                    kind: str = "cfn") -> dict[str, Any]:
    """Run this script's ``_phases`` mode in a fresh interpreter and return its report."""
    command = [sys.executable, str(Path(__file__).resolve()), "_phases", str(path)]
    if no_gc:
        command.append("--no-gc")
    if kind != "cfn":
        command += ["--kind", kind]
    proc = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {"error": f"exit {proc.returncode}: {_tail(proc.stderr or proc.stdout)}"}


def phases_mode(path: str, no_gc: bool, kind: str = "cfn") -> int:
    """``_phases`` mode: time ``load_template`` apart from the analysis, in-process.

    The analysis is what the engine runs on a decoded template: ``analyse_template``
    (``build_model`` + ``run_rules`` for each ``Fn::If`` scenario), or ``build_model`` +
    ``run_rules`` with engines that predate it. Prints one JSON line: seconds for
    ``import``, ``parse`` and ``analysis`` (or ``error`` with the exception and where it
    was raised).
    """
    import traceback

    if kind != "cfn":
        return terraform_phases(path, no_gc, kind)
    if no_gc:
        gc.disable()
    report: dict[str, Any] = {}
    try:
        start = time.perf_counter()
        from cwlint import engine
        try:
            from cwlint.cfn.builder import build_model
        except ImportError:  # engines before the front-end layer
            from cwlint.cfn.frontend import build_model  # type: ignore[no-redef]
        from cwlint.cfn.loader import load_template

        report["import"] = time.perf_counter() - start
        start = time.perf_counter()
        loaded = load_template(path)
        report["parse"] = time.perf_counter() - start
        start = time.perf_counter()
        analyse = getattr(engine, "analyse_template", None)
        if analyse is not None:  # what scan_one runs: every Fn::If scenario
            findings = analyse(loaded, engine.ScanOptions())
        else:  # older engines: one model, every rule
            findings = engine.run_rules(build_model(loaded))
        report["analysis"] = time.perf_counter() - start
        report["findings"] = len(findings)
        report["resources"] = len(loaded.resources)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        report["error"] = (f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:"
                           f"{last.lineno} in {last.name})")
    print(json.dumps(report))
    return 0


def terraform_phases(path: str, no_gc: bool, kind: str) -> int:
    """``_phases --kind plan|hcl``: reading a Terraform input into resources (``parse``:
    the plan's JSON and ``plan_resources``, or the ``.tf`` files and the module's
    evaluation) apart from ``build_model`` + ``run_rules`` (``analysis``), in-process;
    for a plan also ``decode``, the JSON alone. Prints one JSON line like ``_phases``."""
    import traceback

    if no_gc:
        gc.disable()
    report: dict[str, Any] = {}
    try:
        start = time.perf_counter()
        from cwlint import engine
        from cwlint.terraform.attributes import Environment
        from cwlint.terraform.builder import build_model
        try:
            from cwlint.terraform.frontend import read_input
        except ImportError:  # engines before the front-end layer
            from cwlint.terraform.scan import read_input  # type: ignore[no-redef]

        report["import"] = time.perf_counter() - start
        options = engine.ScanOptions()
        env = Environment(options.region, options.account_id, "aws")
        if kind == "plan":
            from cwlint.terraform.plan import load_plan

            start = time.perf_counter()
            load_plan(path)
            report["decode"] = time.perf_counter() - start
        start = time.perf_counter()
        tf = read_input(path, env)
        report["parse"] = time.perf_counter() - start
        start = time.perf_counter()
        model = build_model(tf, env, None)
        engine.configure_model(model, options)
        findings = engine.run_rules(model, options.rules)
        report["analysis"] = time.perf_counter() - start
        report["findings"] = len(findings)
        report["resources"] = len(tf.resources)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        report["error"] = (f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:"
                           f"{last.lineno} in {last.name})")
    print(json.dumps(report))
    return 0


def bench_scale(args: argparse.Namespace, workdir: Path) -> list[ScaleResult]:
    """Section 2: wall time, memory and parse/analysis split per input kind and size."""
    cwlint = tool("cwlint")
    results: list[ScaleResult] = []
    for kind in args.scale_kinds:
        for count in args.scale_sizes:
            results.append(scale_one(args, workdir, cwlint, kind, count))
    plans = {r.resources: r for r in results if r.kind == "plan"}
    for module in [r for r in results if r.kind == "hcl" and r.resources in plans]:
        module.paired_cpu = alternating_pairs(cwlint, module.path, plans[module.resources].path,
                                              args.scale_repeats, workdir)
    return results


def alternating_pairs(cwlint: str, module: Path, plan: Path, repeats: int,
                      workdir: Path) -> list[tuple[float, float]]:
    """CPU seconds of ``cwlint scan`` on a module directory and on its plan, run one
    after the other ``repeats`` times (the order flipped every other pair)."""
    pairs: list[tuple[float, float]] = []
    for repeat in range(repeats):
        order = [module, plan] if repeat % 2 == 0 else [plan, module]
        cpu: dict[Path, float | None] = {}
        for path in order:
            cpu[path] = run_measured([cwlint, "scan", "--format", "json", str(path)],
                                     workdir).cpu
        module_cpu, plan_cpu = cpu[module], cpu[plan]
        if module_cpu and plan_cpu:
            pairs.append((module_cpu, plan_cpu))
            log(f"  pair {repeat + 1}/{repeats}: module {module_cpu:.2f} s, plan "
                f"{plan_cpu:.2f} s CPU, {module_cpu / plan_cpu:.2f}x")
    return pairs


def scale_one(args: argparse.Namespace, workdir: Path, cwlint: str, kind: str,
              count: int) -> ScaleResult:
    """One kind and size of section 2."""
    path = generate(count, workdir, kind)
    log(f"scale: {kind}, {count} resources ({input_bytes(path) / 1e6:.1f} MB)")
    cli = measure_tool(f"cwlint {kind} {count}",
                       [[cwlint, "scan", "--format", "json", str(path)]],
                       args.scale_repeats, workdir, cwlint_output)
    result = ScaleResult(count, path, cli, kind=kind)
    parse, analysis, decode = [], [], []
    for _ in range(args.scale_repeats):
        report = phases_in_child(path, workdir, kind=kind)
        if "error" in report:
            result.phase_problems.append(report["error"])
            break
        parse.append(report["parse"])
        analysis.append(report["analysis"])
        if "decode" in report:
            decode.append(report["decode"])
    if parse:
        result.parse, result.analysis = median(parse), median(analysis)
    if decode:
        result.decode = median(decode)
    log(f"  in-process: parse {result.parse:.2f} s, analysis {result.analysis:.2f} s")
    return result


# --- 3. terraform ---------------------------------------------------------------------


@dataclass
class TerraformResults:
    """checkov and cwlint on one Terraform repository (``tf_files`` ``.tf`` files)."""

    module: Path
    tf_files: int
    cwlint: ToolRun
    checkov: ToolRun | None
    checkov_note: str = ""


def checkov_output(run: Run, label: str, into: ToolRun) -> None:
    """Check one ``checkov -o json`` run (exit 1 means failed checks)."""
    into.returncodes.add(run.returncode)
    if run.returncode not in (0, 1):
        into.problems.append(f"{label}: exit code {run.returncode}: {_tail(run.stderr)}")
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        into.problems.append(f"{label}: stdout is not JSON: {_tail(run.stdout or run.stderr)}")
        return
    for part in report if isinstance(report, list) else [report]:
        summary = part.get("summary", {}) if isinstance(part, dict) else {}
        into.results += int(summary.get("failed", 0)) + int(summary.get("passed", 0))
        into.errors += int(summary.get("parsing_errors", 0))


def bench_terraform(args: argparse.Namespace, workdir: Path) -> TerraformResults | None:
    """Section 3: checkov against cwlint on a Terraform repository."""
    module = args.tf_module
    if not module.is_dir():
        log(f"terraform: no module at {module}: section skipped")
        return None
    tf_files = sum(1 for _ in module.rglob("*.tf"))
    cwlint = tool("cwlint")
    log(f"terraform: {module.name} ({tf_files} .tf files)")
    ours = measure_tool("cwlint terraform", [[cwlint, "scan", "--format", "json",
                                              str(module)]],
                        args.repeats, workdir, cwlint_output)
    checkov = Path(args.checkov)
    if args.skip_checkov or not checkov.exists():
        note = "skipped" if args.skip_checkov else f"no checkov at {checkov} (make install-checkov)"
        return TerraformResults(module, tf_files, ours, None, note)
    theirs = measure_tool("checkov terraform", [[str(checkov), "-d", str(module), "--framework",
                                                 "terraform", "--quiet", "--compact", "-o",
                                                 "json"]],
                          args.checkov_repeats, workdir, checkov_output)
    return TerraformResults(module, tf_files, ours, theirs)


def terraform_table(t: TerraformResults | None, scale: list[ScaleResult],
                    args: argparse.Namespace) -> list[str]:
    """Markdown for section 3."""
    lines = ["### Terraform", ""]
    if t is not None:
        lines += [
            f"`{t.module.name}` of the corpus ({t.tf_files} `.tf` files, every module "
            "directory in it), each tool as a fresh process over the whole repository; "
            f"median of {args.repeats} (cwlint) and {args.checkov_repeats} (checkov) runs.",
            "",
            "| run | wall | CPU | peak RSS | results |",
            "|---|---:|---:|---:|---:|",
            f"| `cwlint scan --format json` | {seconds(t.cwlint.wall)} | "
            f"{cpu_seconds(t.cwlint.cpu)} | {megabytes(t.cwlint.peak_mb)} | "
            f"{t.cwlint.results} findings |",
        ]
        if t.checkov is not None:
            lines.append(f"| `checkov -d --framework terraform` | {seconds(t.checkov.wall)} | "
                         f"{cpu_seconds(t.checkov.cpu)} | {megabytes(t.checkov.peak_mb)} | "
                         f"{t.checkov.results} checks |")
            ratio = t.checkov.wall / t.cwlint.wall
            by_cpu = ""
            if t.checkov.cpu and t.cwlint.cpu:
                by_cpu = f", {t.checkov.cpu / t.cwlint.cpu:.0f}× by CPU"
            met = verdict(ratio >= TARGET_CHECKOV_SPEEDUP)
            lines += ["", f"checkov / cwlint: {ratio:.0f}× by wall time{by_cpu} (target ≥ "
                      f"{TARGET_CHECKOV_SPEEDUP:.0f}×: {met})."]
        else:
            lines += ["", f"checkov: {t.checkov_note}."]
    plans = {r.resources: r for r in scale if r.kind == "plan"}
    pairs = [(r, plans[r.resources]) for r in scale if r.kind == "hcl" and r.resources in plans]
    if pairs:
        lines += ["", "The generated stack as a module directory (HCL) against its plan JSON "
                  "(section 2's runs; the last column from runs made in alternating pairs, "
                  "module and plan one after the other, median of the pairs' ratios):", "",
                  "| resources | HCL wall | plan wall | HCL / plan | HCL CPU / plan CPU "
                  "| HCL peak RSS | CPU, alternating pairs |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for hcl, plan in pairs:
            cpu_ratio = (f"{hcl.cli.cpu / plan.cli.cpu:.2f}" if hcl.cli.cpu and plan.cli.cpu
                         else "?")
            paired = paired_ratio(hcl)
            lines.append(f"| {hcl.resources:,} | {seconds(hcl.cli.wall)} | "
                         f"{seconds(plan.cli.wall)} | {hcl.cli.wall / plan.cli.wall:.2f} | "
                         f"{cpu_ratio} | {megabytes(hcl.cli.peak_mb)} | "
                         f"{'?' if paired is None else f'{paired:.2f}'} |")
        big_hcl, big_plan = pairs[-1]
        paired = paired_ratio(big_hcl)
        ratio = big_hcl.cli.wall / big_plan.cli.wall if paired is None else paired
        how = "wall" if paired is None else "CPU, alternating pairs"
        checks = [f"{big_hcl.resources:,} resources: HCL / plan {ratio:.2f} ({how}; target ≤ "
                  f"{TARGET_HCL_PLAN_RATIO}: {verdict(ratio <= TARGET_HCL_PLAN_RATIO)})"]
        if big_hcl.cli.peak_mb is not None:
            met = verdict(big_hcl.cli.peak_mb < TARGET_10K_MB)
            checks.append(f"HCL peak {megabytes(big_hcl.cli.peak_mb)} (target < "
                          f"{TARGET_10K_MB:.0f} MB: {met})")
        lines += ["", "Targets: " + "; ".join(checks) + "."]
    return lines


def paired_ratio(module: ScaleResult) -> float | None:
    """The median module / plan CPU ratio of the alternating pairs (None: none ran)."""
    if not module.paired_cpu:
        return None
    return median([hcl / plan for hcl, plan in module.paired_cpu])


# --- 4. profile -----------------------------------------------------------------------


def profile_mode(path: str, out: str) -> int:
    """``_profile`` mode: cProfile one ``engine.scan`` of ``path`` (imports excluded)."""
    from cwlint import engine

    profiler = cProfile.Profile()
    profiler.enable()
    engine.scan([path])
    profiler.disable()
    profiler.dump_stats(out)
    return 0


@dataclass
class Hotspot:
    """One profiled function."""

    where: str
    calls: int
    own: float
    cumulative: float


@dataclass
class ProfileResults:
    """Everything section 3 measured."""

    resources: int
    total: float
    by_own: list[Hotspot]
    by_cumulative: list[Hotspot]
    imports: list[tuple[str, float]]
    import_total: float
    gc_on: dict[str, Any]
    gc_off: dict[str, Any]


def short_path(filename: str) -> str:
    """A profile entry's file, relative to the project, site-packages or the stdlib."""
    if filename.startswith("~") or filename.startswith("<"):
        return "<built-in>"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    with contextlib.suppress(ValueError):
        return str(Path(filename).relative_to(PROJECT))
    stdlib = re.search(r"/lib/python\d+\.\d+/(.+)$", filename)
    return f"stdlib/{stdlib.group(1)}" if stdlib else filename


def hotspots(stats_file: Path, top: int) -> tuple[float, list[Hotspot], list[Hotspot]]:
    """Total profiled seconds, the ``top`` functions by own time, and the ``top`` cwlint
    functions by cumulative time (recursive entries counted once)."""
    stats = pstats.Stats(str(stats_file))
    entries: list[Hotspot] = []
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, function), (_, calls, own, cumulative, _) in raw.items():
        where = short_path(filename)
        label = f"{where}:{line} {function}" if where != "<built-in>" else function
        entries.append(Hotspot(label, calls, own, cumulative))
    # the profiled call itself (engine.scan) is the root: the largest cumulative time
    total = max((h.cumulative for h in entries), default=0.0) or 1.0
    by_own = sorted(entries, key=lambda h: h.own, reverse=True)[:top]
    ours = [h for h in entries if h.where.startswith("cwlint/")
            and not h.where.endswith(("<genexpr>", "<listcomp>", "<lambda>"))
            and h.cumulative < 0.98 * total]  # leave out the wrappers around everything
    by_cumulative: list[Hotspot] = []
    for h in sorted(ours, key=lambda h: h.cumulative, reverse=True):
        last = by_cumulative[-1] if by_cumulative else None
        if last and last.calls == h.calls and h.cumulative > 0.98 * last.cumulative:
            continue  # a thin wrapper around (or inside) the row above
        by_cumulative.append(h)
    return total, by_own, by_cumulative[:top]


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)$")


def import_costs(tiny: Path, workdir: Path, top: int) -> tuple[float, list[tuple[str, float]]]:
    """Seconds ``cwlint scan`` spends importing, and the costliest third-party packages
    (cumulative seconds of each top-level package's own import)."""
    command = [sys.executable, "-X", "importtime", "-m", "cwlint", "scan", "--format", "json",
               str(tiny)]
    proc = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    total = 0.0
    packages: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        found = _IMPORT_LINE.match(line)
        if not found:
            continue
        cumulative, depth, name = int(found.group(2)) / 1e6, len(found.group(3)), found.group(4)
        if depth == 1:
            total += cumulative
        top_level = name.split(".", 1)[0]
        if "." not in name and top_level != "cwlint":
            packages[top_level] = max(packages.get(top_level, 0.0), cumulative)
    ranked = sorted(packages.items(), key=lambda item: item[1], reverse=True)[:top]
    return total, ranked


def bench_profile(args: argparse.Namespace, workdir: Path,
                  scale: Sequence[ScaleResult] = ()) -> ProfileResults:
    """Section 3: cProfile of the largest scale case, import costs, the GC's share (the
    run with the collector on is taken from ``scale`` when it measured the same size)."""
    count = args.profile_size
    path = generate(count, workdir)
    log(f"profile: cProfile of cwlint on {count} resources")
    stats_file = workdir / f"profile-{count}.prof"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "_profile", str(path),
                    str(stats_file)], cwd=workdir, check=True)
    total, by_own, by_cumulative = hotspots(stats_file, args.top)
    log("profile: import costs and garbage collector share")
    import_total, imports = import_costs(generate(1, workdir), workdir, 6)
    measured = [r for r in scale if r.kind == "cfn" and r.resources == count and r.parse
                and not r.phase_problems]
    if measured:
        gc_on: dict[str, Any] = {"parse": measured[0].parse, "analysis": measured[0].analysis}
    else:
        gc_on = phases_in_child(path, workdir)
    gc_off = phases_in_child(path, workdir, no_gc=True)
    return ProfileResults(count, total, by_own, by_cumulative, imports, import_total,
                          gc_on, gc_off)


# --- markdown ------------------------------------------------------------------------


def seconds(value: float) -> str:
    """``0.42 s`` / ``12.3 s``."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def cpu_seconds(value: float | None) -> str:
    """CPU seconds or an em dash when unknown."""
    return "—" if value is None else seconds(value)


def megabytes(kb: float | None) -> str:
    """Peak memory in MB or an em dash."""
    return "—" if kb is None else f"{kb:.0f} MB"


def verdict(ok: bool) -> str:
    """A check mark or a cross."""
    return "✓" if ok else "✗"


def corpus_table(c: CorpusResults, args: argparse.Namespace) -> list[str]:
    """Markdown for section 1."""
    lines = [
        f"### cwlint vs cfn-lint on the corpus (median of {args.repeats})",
        "",
        f"Sample: every {args.every}th of the {c.corpus_size:,} corpus templates in sorted "
        f"path order ({c.sample_size} templates), passed as arguments in {c.batch_count} "
        f"batches of at most {args.batch_size}, each batch a fresh process; both tools "
        "`--format json`, built-in rules, default settings.",
        "",
    ]
    if c.excluded:
        lines += [f"Left out of the sample: {len(c.excluded)} template(s) on which cfn-lint "
                  "crashes (it then aborts the whole batch and prints no results):", ""]
        lines += [f"- `{short_corpus_path(path, args.corpus)}`: {error}"
                  for path, error in c.excluded]
        lines.append("")
    lines += [
        "| run | templates | processes | wall | CPU | templates/s | peak RSS | results |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, count: int, processes: int, run: ToolRun, results: str) -> str:
        return (f"| {label} | {count:,} | {processes} | {seconds(run.wall)} | "
                f"{cpu_seconds(run.cpu)} | {count / run.wall:,.0f} | "
                f"{megabytes(run.peak_mb)} | {results} |")

    lines.append(row("`cwlint scan`", c.sample_size, c.batch_count, c.cwlint,
                     f"{c.cwlint.results} findings, {c.cwlint.errors} unreadable"))
    if c.cfn_lint is not None:
        lines.append(row("`cfn-lint`", c.sample_size, c.batch_count, c.cfn_lint,
                         f"{c.cfn_lint.results} matches"))
    if c.full is not None:
        lines.append(row("`cwlint scan` whole corpus", c.corpus_size, 1, c.full,
                         f"{c.full.results} findings, {c.full.errors} unreadable"))
    lines.append("")
    if c.cfn_lint is not None:
        ratio = c.cfn_lint.wall / c.cwlint.wall
        by_cpu = ""
        if c.cfn_lint.cpu and c.cwlint.cpu:
            by_cpu = f", {c.cfn_lint.cpu / c.cwlint.cpu:.1f}× by CPU time"
        lines.append(f"**cwlint is {ratio:.1f}× faster than cfn-lint** by wall time on the "
                     f"sample{by_cpu} (target ≥ {TARGET_SPEEDUP:.0f}×: "
                     f"{verdict(ratio >= TARGET_SPEEDUP)}).")
    startup = f"Start-up (`--version`, wall): cwlint {seconds(c.cwlint_startup)}"
    if c.cfn_lint_startup is not None:
        startup += f", cfn-lint {seconds(c.cfn_lint_startup)}"
    lines.append(startup + ".")
    return lines


def short_corpus_path(path: Path, corpus: Path) -> str:
    """``path`` relative to the corpus directory when it is inside it."""
    try:
        return str(path.relative_to(corpus))
    except ValueError:
        return str(path)


SCALE_SOURCES = {
    "cfn": "Templates from `scripts/gen_scale.py N OUT.yaml`. Parse (`load_template`) and "
           "analysis (`engine.analyse_template`: `build_model` + `run_rules`)",
    "plan": "Plans from `scripts/gen_scale.py N OUT.json --kind plan` (format_version 1.2: "
            "planned_values, resource_changes, prior_state, configuration with references). "
            "Parse (`load_plan` + `plan_resources`; the JSON decoding alone in brackets) and "
            "analysis (terraform `build_model` + `run_rules`)",
    "hcl": "Module directories from `scripts/gen_scale.py N DIR --kind hcl` (one .tf file per "
           "VPC of 50 cells). Parse (`read_configuration`: HCL and the module's expressions) "
           "and analysis (terraform `build_model` + `run_rules`)",
}


def scale_table(results: list[ScaleResult], args: argparse.Namespace) -> list[str]:
    """Markdown for section 2: one table per input kind."""
    lines: list[str] = []
    for kind in SCALE_KINDS:
        rows = [r for r in results if r.kind == kind]
        if rows:
            if lines:
                lines.append("")
            lines += scale_kind_table(kind, rows, args)
    return lines


def scale_kind_table(kind: str, results: list[ScaleResult],
                     args: argparse.Namespace) -> list[str]:
    """Markdown for the inputs of one kind."""
    lines = [
        f"### Scale: {KIND_TITLES[kind]} (median of {args.scale_repeats})",
        "",
        f"{SCALE_SOURCES[kind]}: `time.perf_counter` in a fresh interpreter. Wall and peak "
        "RSS: `cwlint scan --format json PATH` as a fresh process.",
        "",
        "| resources | size | wall | CPU | resources/s | peak RSS | parse | analysis "
        "| findings |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        size = input_bytes(r.path)
        parse = seconds(r.parse)
        if r.decode is not None:
            parse += f" ({seconds(r.decode)})"
        lines.append(
            f"| {r.resources:,} | {size / 1e6:.2f} MB | {seconds(r.cli.wall)} | "
            f"{cpu_seconds(r.cli.cpu)} | {r.resources / r.cli.wall:,.0f} | "
            f"{megabytes(r.cli.peak_mb)} | {parse} | {seconds(r.analysis)} | "
            f"{r.cli.results} |")
    lines.append("")
    by_size = {r.resources: r for r in results}
    big, mid = by_size.get(10_000), by_size.get(1_000)
    if big is not None:
        checks = [
            f"10k wall {seconds(big.cli.wall)} (target < {TARGET_10K_SECONDS:.0f} s: "
            f"{verdict(big.cli.wall < TARGET_10K_SECONDS)})",
        ]
        if big.cli.peak_mb is not None:
            checks.append(f"10k peak {megabytes(big.cli.peak_mb)} (target < "
                          f"{TARGET_10K_MB:.0f} MB: {verdict(big.cli.peak_mb < TARGET_10K_MB)})")
        if mid is not None:
            ratio = big.cli.wall / mid.cli.wall
            checks.append(f"10k/1k wall ratio {ratio:.1f} (target < {TARGET_10K_1K_RATIO:.0f}: "
                          f"{verdict(ratio < TARGET_10K_1K_RATIO)})")
        checks.append(f"10k analysis {seconds(big.analysis)} vs parse {seconds(big.parse)} "
                      f"(target analysis < parse: {verdict(big.analysis < big.parse)})")
        lines.append("Targets: " + "; ".join(checks) + ".")
    return lines


def profile_tables(p: ProfileResults, args: argparse.Namespace) -> list[str]:
    """Markdown for section 3."""
    lines = [
        f"### Profile: {p.resources:,} resources (cProfile, imports excluded, "
        f"{seconds(p.total)} profiled)",
        "",
        "Hot spots by own time (cProfile inflates many small Python calls; shares are "
        "indicative):",
        "",
        "| function | calls | own | share | cumulative |",
        "|---|---:|---:|---:|---:|",
    ]
    for h in p.by_own:
        lines.append(f"| `{h.where}` | {h.calls:,} | {seconds(h.own)} | "
                     f"{100 * h.own / p.total:.0f}% | {seconds(h.cumulative)} |")
    lines += ["", "cwlint functions by cumulative time:", "",
              "| function | calls | cumulative | share |", "|---|---:|---:|---:|"]
    for h in p.by_cumulative:
        lines.append(f"| `{h.where}` | {h.calls:,} | {seconds(h.cumulative)} | "
                     f"{100 * h.cumulative / p.total:.0f}% |")
    lines.append("")
    packages = ", ".join(f"{name} {seconds(cost)}" for name, cost in p.imports)
    lines.append(f"Start-up imports: {seconds(p.import_total)} in all (`-X importtime`); "
                 f"costliest top-level packages, cumulative: {packages}.")
    on, off = p.gc_on, p.gc_off
    if "error" not in on and "error" not in off:
        lines.append(
            f"Garbage collector: with `gc.disable()` the in-process scan takes "
            f"{seconds(off['parse'] + off['analysis'])} instead of "
            f"{seconds(on['parse'] + on['analysis'])} (parse {seconds(off['parse'])} instead "
            f"of {seconds(on['parse'])}, analysis {seconds(off['analysis'])} instead of "
            f"{seconds(on['analysis'])}).")
    return lines


def problems_section(corpus: CorpusResults | None, scale: list[ScaleResult],
                     profile: ProfileResults | None,
                     terraform: TerraformResults | None = None) -> list[str]:
    """Markdown listing crashes, internal errors and failed measurements (if any)."""
    problems: list[str] = []
    if terraform is not None:
        problems += [f"terraform cwlint: {p}" for p in terraform.cwlint.problems]
        if terraform.checkov is not None:
            problems += [f"terraform checkov: {p}" for p in terraform.checkov.problems]
    if corpus is not None:
        for label, run in (("cwlint sample", corpus.cwlint), ("cfn-lint sample", corpus.cfn_lint),
                           ("cwlint whole corpus", corpus.full)):
            if run is not None:
                problems += [f"{label}: {p}" for p in run.problems]
    for r in scale:
        label = f"scale {r.kind} {r.resources}"
        problems += [f"{label}: {p}" for p in r.cli.problems + r.phase_problems]
        if r.cli.errors:
            problems.append(f"{label}: cwlint reported {r.cli.errors} unreadable "
                            "input(s) for a generated input")
    if profile is not None:
        for label, report in (("gc on", profile.gc_on), ("gc off", profile.gc_off)):
            if "error" in report:
                problems.append(f"profile ({label}): {report['error']}")
    if not problems:
        return ["No crashes, internal errors or failed runs."]
    return ["### Problems seen during the run", ""] + [f"- {p}" for p in problems[:50]]


# --- main ----------------------------------------------------------------------------


def sizes(text: str) -> list[int]:
    """``"100,1000,10000"`` as integers."""
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of sizes: {text}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return values


def kinds(text: str) -> list[str]:
    """``"cfn,plan"`` as a list of SCALE_KINDS."""
    values = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [v for v in values if v not in SCALE_KINDS]
    if not values or unknown:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of "
                                         f"{', '.join(SCALE_KINDS)}, not {text}")
    return list(dict.fromkeys(values))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (see the module documentation)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"CloudFormation corpus directory (default {DEFAULT_CORPUS})")
    parser.add_argument("--every", type=int, default=20, metavar="N",
                        help="sample every Nth corpus template in sorted order (default 20)")
    parser.add_argument("--batch-size", type=int, default=100, metavar="K",
                        help="templates per process in the sample runs (default 100)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="repeats of the corpus and start-up measurements (default 3)")
    parser.add_argument("--scale-sizes", type=sizes, default=[100, 1_000, 10_000],
                        metavar="N,N,...", help="resources per scale template "
                        "(default 100,1000,10000)")
    parser.add_argument("--scale-kinds", type=kinds, default=list(SCALE_KINDS),
                        metavar="KIND,...", help="inputs of the scale runs: cfn (a template), "
                        "plan (Terraform plan JSON), hcl (a Terraform module directory); "
                        "default cfn,plan,hcl")
    parser.add_argument("--scale-repeats", type=int, default=3,
                        help="repeats of each scale measurement (default 3)")
    parser.add_argument("--profile-size", type=int, default=None, metavar="N",
                        help="resources in the profiled template (default: largest scale size)")
    parser.add_argument("--top", type=int, default=12, help="rows per profile table")
    parser.add_argument("--skip-cfn-lint", action="store_true", help="do not run cfn-lint")
    parser.add_argument("--skip-full-corpus", action="store_true",
                        help="do not scan the whole corpus")
    parser.add_argument("--skip-corpus", action="store_true", help="skip section 1")
    parser.add_argument("--skip-scale", action="store_true", help="skip section 2")
    parser.add_argument("--skip-terraform", action="store_true", help="skip section 3")
    parser.add_argument("--tf-module", type=Path, default=DEFAULT_TF_MODULE,
                        help=f"the Terraform repository of section 3 (default "
                        f"{DEFAULT_TF_MODULE})")
    parser.add_argument("--checkov", default=str(PROJECT / ".venv-checkov" / "bin" / "checkov"),
                        help="checkov for section 3 (default: .venv-checkov's)")
    parser.add_argument("--checkov-repeats", type=int, default=1,
                        help="checkov runs in section 3 (default 1: minutes each)")
    parser.add_argument("--skip-checkov", action="store_true", help="do not run checkov")
    parser.add_argument("--skip-profile", action="store_true", help="skip section 4")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated templates and the profile here "
                        "(default: a temporary directory, removed afterwards)")
    parser.add_argument("--output", type=Path, default=None,
                        help="also write the markdown to this file")
    args = parser.parse_args(argv)
    if args.every < 1 or args.batch_size < 1 or args.repeats < 1 or args.scale_repeats < 1:
        parser.error("--every, --batch-size, --repeats and --scale-repeats must be positive")
    if args.profile_size is None:
        args.profile_size = max(args.scale_sizes)
    args.corpus = args.corpus.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the markdown report."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["_rusage"]:
        return rusage_wrapper(arguments[1:])
    if arguments[:1] == ["_phases"]:
        kind = arguments[arguments.index("--kind") + 1] if "--kind" in arguments else "cfn"
        return phases_mode(arguments[1], "--no-gc" in arguments[2:], kind)
    if arguments[:1] == ["_profile"]:
        return profile_mode(arguments[1], arguments[2])
    args = parse_args(arguments)

    started, load_at_start = time.perf_counter(), load_average()
    with contextlib.ExitStack() as stack:
        if args.workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cwlint-bench-")))
        else:
            workdir = args.workdir.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        corpus = None if args.skip_corpus else bench_corpus(args, workdir)
        scale = [] if args.skip_scale else bench_scale(args, workdir)
        terraform = None if args.skip_terraform else bench_terraform(args, workdir)
        profile = None if args.skip_profile else bench_profile(args, workdir, scale)

        lines = ["## Benchmark", "", *environment_lines(), ""]
        if corpus is not None:
            lines += [*corpus_table(corpus, args), ""]
        if scale:
            lines += [*scale_table(scale, args), ""]
        if terraform is not None or any(r.kind == "hcl" for r in scale):
            lines += [*terraform_table(terraform, scale, args), ""]
        if profile is not None:
            lines += [*profile_tables(profile, args), ""]
        lines += problems_section(corpus, scale, profile, terraform)
        lines += ["", run_footer(started, load_at_start)]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
