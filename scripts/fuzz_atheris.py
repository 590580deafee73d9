#!/usr/bin/env python3
"""Coverage-guided fuzzing of cwlint's input path with atheris (libFuzzer for Python).

Usage (``make fuzz`` builds a virtualenv with atheris and runs it)::

    python scripts/fuzz_atheris.py [--seconds 120] [--workdir DIR] [libFuzzer options]

Each fuzz input is written to a file and goes through what ``cwlint scan`` does with it:
a CloudFormation template (YAML, or JSON when it starts with ``{``) through
:func:`cwlint.cfn.loader.load_template` and :func:`cwlint.engine.scan_one`; JSON that
names ``format_version`` as a Terraform plan; text with a ``resource "`` block as a
Terraform module directory (``main.tf``). Seeds are the project's fixtures (and a sample
of ``../shared/corpus`` when it is beside the project), mutated by libFuzzer with a
dictionary of CloudFormation and Terraform tokens.

What counts as a bug (libFuzzer then stops, prints the input's traceback and writes the
input to ``crash-*``, which this script copies to ``./fuzz-artifacts/``):

* ``load_template`` raising anything but :class:`~cwlint.cfn.loader.TemplateError`;
* ``scan_one`` raising at all (input errors are returned, never raised);
* an outcome whose error says ``internal error`` (an exception the engine caught, which
  is still a bug), or an error message that is empty or spans lines.

Only cwlint's own modules are instrumented for coverage (cfn-lint and PyYAML are not).
libFuzzer runs in a child process (it ends its process when done); this script prepares
the seeds, runs it, collects the crash files, removes its temporary directory and exits
with libFuzzer's code: 0 when nothing was found.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus"
SEED_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".tf")
MAX_SEED_BYTES = 64 * 1024
#: libFuzzer dictionary entries: the tokens that reach deeper into the front ends.
TOKENS = [
    "AWSTemplateFormatVersion", "Resources", "Parameters", "Conditions", "Mappings",
    "Transform", "AWS::Serverless-2016-10-31", "Globals", "Properties", "Type", "Default",
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split",
    "Fn::FindInMap", "Fn::ImportValue", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or",
    "Condition", "!Ref ", "!GetAtt ", "!Sub ", "!If ", "!Join ", "&a ", "*a", "<<: ",
    "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::Lambda::Function",
    "AWS::Serverless::Function", "AWS::EC2::Instance", "AWS::EC2::Subnet",
    "AWS::EC2::VPCEndpoint", "AWS::EC2::SecurityGroup", "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm", "AWS::ECS::TaskDefinition", "AWS::Oam::Sink",
    "PolicyDocument", "Statement", "Effect", "Allow", "Deny", "Action", "NotAction",
    "Resource", "cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream",
    "cloudwatch:namespace", "StringEquals", "StringLike", "arn:aws:logs:", ":log-group:",
    "ManagedPolicyArns", "PermissionsBoundary", "VpcConfig", "SubnetIds",
    "SecurityGroupIds", "PrivateDnsEnabled", "ServiceName", "com.amazonaws.",
    "format_version", "planned_values", "root_module", "resource_changes", "configuration",
    "references", "after_unknown", "resource \"", "module \"", "data \"", "variable \"",
    "locals", "jsonencode(", "${", "for_each", "count", "aws_iam_role", "aws_lambda_function",
    "aws_iam_role_policy", "aws_vpc_endpoint", "aws_cloudwatch_log_group",
]
#: Set in the fuzzing process (fuzz_child): where each input is written, and cwlint's
#: modules, imported there under atheris's coverage instrumentation.
_SCRATCH: Path | None = None
_LOADER: Any = None  # cwlint.cfn.loader
_ENGINE: Any = None  # cwlint.engine


class FuzzFailure(AssertionError):
    """An outcome that breaks cwlint's contract (atheris reports it as a crash)."""


def classify(data: bytes) -> str:
    """Which front end this input goes to: ``yaml``, ``json``, ``plan`` or ``tf``."""
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return "plan" if b"format_version" in data else "json"
    if b'resource "' in data or b'module "' in data:
        return "tf"
    return "yaml"


def write_input(data: bytes, kind: str) -> str:
    """The input file (or module directory) for ``data``."""
    assert _SCRATCH is not None
    if kind == "tf":
        directory = _SCRATCH / "module"
        directory.mkdir(exist_ok=True)
        (directory / "main.tf").write_bytes(data)
        return str(directory)
    path = _SCRATCH / ("input.json" if kind in ("json", "plan") else "input.yaml")
    path.write_bytes(data)
    return str(path)


def check_outcome(outcome: Any) -> None:
    """Input errors must be clean; an internal error is a bug."""
    error = outcome.error
    if error is None:
        return
    if not error.message.strip() or "\n" in error.message:
        raise FuzzFailure(f"unclear input error: {error.message!r}")
    if "internal error" in error.message or "Traceback" in error.message:
        raise FuzzFailure(error.message)


def test_one_input(data: bytes) -> None:
    """libFuzzer's entry point: one input through the loader and the engine."""
    kind = classify(data)
    path = write_input(data, kind)
    if kind in ("yaml", "json"):
        try:
            _LOADER.load_template(path)
        except _LOADER.TemplateError as exc:
            if not exc.message.strip() or "\n" in exc.message:
                raise FuzzFailure(f"unclear TemplateError: {exc.message!r}") from exc
    check_outcome(_ENGINE.scan_one(_ENGINE.Input(path, True), _ENGINE.ScanOptions()))


def seeds(limit: int) -> Iterator[Path]:
    """Seed files: every fixture, then every n-th corpus file, up to ``limit`` in all."""
    found = sorted(p for p in (PROJECT / "fixtures").rglob("*")
                   if p.is_file() and p.suffix in SEED_SUFFIXES)
    corpus = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in SEED_SUFFIXES) \
        if CORPUS.is_dir() else []
    step = max(1, len(corpus) // max(1, limit - len(found)))
    for path in [*found, *corpus[::step]][:limit]:
        if path.stat().st_size <= MAX_SEED_BYTES:
            yield path


def prepare(workdir: Path, seed_limit: int) -> tuple[Path, Path, Path]:
    """The seed directory, the dictionary file and the artifacts directory."""
    seed_dir = workdir / "seeds"
    seed_dir.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(seeds(seed_limit)):
        (seed_dir / f"{index:05}{path.suffix}").write_bytes(path.read_bytes())
    dictionary = workdir / "tokens.dict"
    dictionary.write_text("".join(f'"{token.replace(chr(34), chr(92) + chr(34))}"\n'
                                  for token in TOKENS), encoding="utf-8")
    artifacts = workdir / "artifacts"
    artifacts.mkdir(exist_ok=True)
    return seed_dir, dictionary, artifacts


def fuzz_child(workdir: Path, libfuzzer: list[str]) -> None:
    """``_run`` mode: import cwlint instrumented, then hand over to libFuzzer (which never
    returns)."""
    global _SCRATCH, _LOADER, _ENGINE
    import atheris

    with atheris.instrument_imports(include=["cwlint"]):
        from cwlint import engine
        from cwlint.cfn import loader
    _LOADER, _ENGINE = loader, engine
    _SCRATCH = workdir / "scratch"
    _SCRATCH.mkdir(exist_ok=True)
    atheris.Setup([sys.argv[0], *libfuzzer], test_one_input)
    atheris.Fuzz()


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare seeds and a dictionary, run libFuzzer in a child process, collect crashes."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["_run"]:
        fuzz_child(Path(arguments[1]), arguments[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120, help="how long to fuzz")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep seeds, the grown corpus and crashes here "
                        "(default: a temporary directory)")
    parser.add_argument("--seed-limit", type=int, default=400, help="seed files at most")
    args, libfuzzer = parser.parse_known_args(arguments)
    with tempfile.TemporaryDirectory(prefix="cwlint-fuzz-") as scratch:
        workdir = (args.workdir or Path(scratch)).resolve()
        seed_dir, dictionary, artifacts = prepare(workdir, args.seed_limit)
        grown = workdir / "grown"
        grown.mkdir(exist_ok=True)
        command = [sys.executable, str(Path(__file__).resolve()), "_run", str(workdir),
                   f"-max_total_time={args.seconds}", "-timeout=20", "-rss_limit_mb=3072",
                   f"-dict={dictionary}", "-print_final_stats=1",
                   f"-artifact_prefix={artifacts.as_posix()}/", *libfuzzer, str(grown),
                   str(seed_dir)]
        print(f"fuzz: {sum(1 for _ in seed_dir.iterdir())} seeds, {len(TOKENS)} dictionary "
              f"tokens, {args.seconds} s", file=sys.stderr, flush=True)
        code = subprocess.run(command, check=False).returncode
        found = sorted(artifacts.iterdir())
        if found:
            kept = Path("fuzz-artifacts")
            kept.mkdir(exist_ok=True)
            for path in found:
                shutil.copy(path, kept / path.name)
            print(f"fuzz: {len(found)} failing input(s) copied to {kept}/: "
                  f"{', '.join(p.name for p in found)}", file=sys.stderr)
        grown_count = sum(1 for _ in grown.iterdir())
    print(f"fuzz: libFuzzer exit code {code}; {grown_count} inputs in the grown corpus; "
          f"{'no failure found' if code == 0 and not found else 'FAILED'}", file=sys.stderr)
    return 0 if code == 0 and not found else 1


if __name__ == "__main__":
    sys.exit(main())
