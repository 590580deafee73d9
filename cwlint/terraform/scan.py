"""Scanning one Terraform input: a module directory (HCL) or a plan (JSON).

Called by :func:`cwlint.engine.scan_one` for the inputs :mod:`cwlint.terraform.discovery`
recognises. The front end reads the input, :mod:`cwlint.terraform.builder` builds the
model, and the same rules as for CloudFormation run on it. A file that cannot be read or
parsed ends this input with an error naming the file and line; the engine goes on with
the others. ``# cwlint:ignore CWLnnn reason`` comments on (or above) a block of any
``.tf`` file of the module are applied (:func:`cwlint.suppressions.terraform_suppressions`).

A module call cwlint does not follow (a registry or git source that ``terraform init``
has not installed) is reported once, as an ``info`` finding with id
:data:`MODULE_NOT_ANALYSED` on the ``module`` block.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cwlint.cfn.intrinsics import partition_for_region
from cwlint.findings import INFO, Finding, InputError
from cwlint.rules.cwl000_module_not_analysed import ModuleNotAnalysed
from cwlint.suppressions import Notice, SuppressionIndex, terraform_suppressions
from cwlint.terraform.attributes import Environment
from cwlint.terraform.builder import build_model
from cwlint.terraform.discovery import is_module_directory, is_tf_like, module_directory_of
from cwlint.terraform.modules import MAX_FILE_BYTES, TerraformError, read_configuration
from cwlint.terraform.plan import NotAPlan, load_plan, plan_resources
from cwlint.terraform.resources import ModuleNote, TerraformInput

if TYPE_CHECKING:
    from cwlint.engine import Input, InputOutcome, ScanOptions, Subjects

#: The id of the info finding for a module call that is not analysed (a notice).
MODULE_NOT_ANALYSED = ModuleNotAnalysed.id


def scan_terraform(item: Input, options: ScanOptions) -> InputOutcome:
    """Findings (suppressions applied), or the error that stopped this input."""
    from cwlint.engine import InputOutcome, apply_severity, configure_model, run_rules

    env = Environment(options.region, options.account_id, partition_for_region(options.region))
    try:
        tf = read_input(item.path, env)
    except NotAPlan as exc:
        if not item.explicit:  # JSON found by walking that is not a plan after all
            return InputOutcome()
        return InputOutcome(error=InputError(exc.path, exc.message, exc.line), files=1)
    except TerraformError as exc:
        return InputOutcome(error=InputError(exc.path, exc.message, exc.line), files=1)
    try:
        env = Environment(tf.region or env.region, tf.account_id or env.account_id,
                          partition_for_region(tf.region) if tf.region else env.partition)
        model = build_model(tf, env, options.boundaries)
        configure_model(model, options)
        subjects: Subjects | None = {} if options.collect_subjects else None
        findings = run_rules(model, options.rules, subjects)
        if ModuleNotAnalysed in options.rules:
            findings += module_findings(tf)
        findings = apply_severity(findings, options.severity)
        index, notices = suppressions(tf)
        kept, suppressed = index.apply(findings)
        return InputOutcome(kept, suppressed, notices, files=1, analysed=True,
                            subjects=subjects)
    except RecursionError:
        return InputOutcome(error=InputError(item.path, "the configuration nests too deeply "
                                             "to analyse"), files=1)
    except Exception as exc:  # a bug must not hide the other inputs' findings
        return InputOutcome(error=InputError(item.path, f"internal error while analysing: "
                                             f"{type(exc).__name__}: {exc}"), files=1)


def read_input(path: str, env: Environment) -> TerraformInput:
    """The resources of a module directory (or of the directory of a ``.tf`` file) or of a
    plan file."""
    if os.path.isdir(path) or is_tf_like(path):
        directory = path if os.path.isdir(path) else module_directory_of(path)
        if not is_module_directory(directory):
            raise TerraformError(path, None, "no .tf or .tf.json files in this directory")
        return read_configuration(directory, env)
    return plan_resources(load_plan(path), path)


def module_findings(tf: TerraformInput) -> list[Finding]:
    """One info finding per module call that was not followed."""
    return [Finding.at(note.location, MODULE_NOT_ANALYSED, INFO, _not_followed_message(note))
            for note in tf.modules_not_followed]


def _not_followed_message(note: ModuleNote) -> str:
    if note.reason:
        return (f"{note.address} comes from {note.source}, {note.reason}: the resources it "
                f"would create are not analysed and its outputs are unknown")
    return (f"{note.address} comes from {note.source}, which cwlint does not fetch and "
            f"terraform init has not installed: the resources it creates are not analysed "
            f"and its outputs are unknown (run terraform init first to let cwlint read it "
            f"from .terraform/modules, or scan the plan, terraform show -json)")


def suppressions(tf: TerraformInput) -> tuple[SuppressionIndex, list[Notice]]:
    """The ``# cwlint:ignore`` and ``checkov:skip`` comments of every ``.tf`` file read."""
    merged = SuppressionIndex()
    notices: list[Notice] = []
    for path in tf.files:
        if not path.endswith(".tf"):
            continue  # JSON has no comments
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(MAX_FILE_BYTES)
        except OSError:
            continue
        index, found = terraform_suppressions(text, path)
        for resource, entries in index.by_resource.items():
            for entry in entries:
                merged.add(resource, entry)
        notices.extend(found)
    return merged, notices
