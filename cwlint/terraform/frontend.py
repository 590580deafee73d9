"""The Terraform front end: which paths are Terraform inputs (a module directory, a plan:
:mod:`cwlint.terraform.discovery`), reading one, and its model, for :mod:`cwlint.engine`.

The configuration or plan is read into resource instances, and
:mod:`cwlint.terraform.builder` builds the model; the same rules as for CloudFormation
run on it. A file that cannot be read or parsed ends this input with an error naming the
file and line; the engine goes on with the others. ``# cwlint:ignore CWLnnn reason``
comments on (or above) a block of any ``.tf`` file of the module are applied
(:func:`cwlint.suppressions.terraform_suppressions`).

A module call cwlint does not follow (a registry or git source that ``terraform init``
has not installed) is reported once, as an ``info`` finding with id
:data:`MODULE_NOT_ANALYSED` on the ``module`` block.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cwlint.columns import terraform_column, with_columns
from cwlint.findings import INFO, Finding
from cwlint.frontend.arns import partition_for_region
from cwlint.frontend.protocol import Discovery, Input, InputFailure, RunRules
from cwlint.pathfilter import PathFilter
from cwlint.rules.cwl000_module_not_analysed import ModuleNotAnalysed
from cwlint.suppressions import Notice, SuppressionIndex, terraform_suppressions
from cwlint.terraform import discovery

# The reader, the evaluator and the builder are imported by the methods that read and
# analyse: finding the inputs needs none of them, and a run with no Terraform input (the
# cfn-lint plugin, a CloudFormation repository) does not pay for loading them.
if TYPE_CHECKING:
    from cwlint.engine import ScanOptions
    from cwlint.terraform.attributes import Environment
    from cwlint.terraform.resources import ModuleNote, TerraformInput

#: The id of the info finding for a module call that is not analysed (a notice).
MODULE_NOT_ANALYSED = ModuleNotAnalysed.id


class TerraformFrontEnd:
    """Terraform module directories (``.tf``, ``.tf.json``) and plans
    (``terraform show -json``)."""

    what = "configuration"

    def found_in(self, directory: str, names: list[str],
                 exclude: PathFilter | None) -> Iterable[str]:
        if discovery.has_tf_files(names):  # a directory of .tf files is one input
            yield directory

    def after_walk(self, found: list[str], root: str) -> list[str]:
        return discovery.drop_called_modules(found, root)

    def named(self, path: str, context: Discovery) -> list[Input] | None:
        """A ``.tf`` file stands for its module, analysed through the root modules of its
        repository that call it (as a full scan would), else on its own."""
        if not discovery.is_tf_like(path):
            return None
        if discovery.is_ignored_name(path):
            return []  # .example.tf: not configuration, as for Terraform
        directory = discovery.module_directory_of(path)
        roots: list[str] = []
        repository = _repository_of(directory)
        if repository is not None:
            modules = context.cache.get(repository)
            if modules is None:
                modules = context.cache[repository] = [
                    p for p in context.walk(repository) if os.path.isdir(p)]
            roots = discovery.calling_roots(directory, modules)
        return [Input(p, not context.skip_unrecognized) for p in roots or [directory]]

    def claims(self, path: str) -> bool:
        return discovery.is_terraform_input(path)

    def read(self, item: Input, options: ScanOptions) -> TerraformInput | None:
        from cwlint.terraform.attributes import Environment
        from cwlint.terraform.plan import NotAPlan
        from cwlint.terraform.reading import TerraformError

        env = Environment(options.region, options.account_id,
                          partition_for_region(options.region))
        try:
            return read_input(item.path, env)
        except NotAPlan as exc:
            if not item.explicit:  # JSON found by walking that is not a plan after all
                return None
            raise InputFailure(exc.path, exc.message, exc.line) from exc
        except TerraformError as exc:
            raise InputFailure(exc.path, exc.message, exc.line) from exc

    def analyse(self, source: TerraformInput, options: ScanOptions,
                run: RunRules) -> list[Finding]:
        from cwlint.terraform.attributes import Environment
        from cwlint.terraform.builder import build_model

        partition = partition_for_region(options.region)
        env = Environment(source.region or options.region,
                          source.account_id or options.account_id,
                          partition_for_region(source.region) if source.region else partition)
        findings = run(build_model(source, env, options.boundaries))
        if ModuleNotAnalysed in options.rules:
            findings += module_findings(source)
        return findings

    def place(self, findings: list[Finding], source: TerraformInput) -> list[Finding]:
        return with_columns(findings, terraform_column)  # HCL only: plans have no columns

    def suppressions(self, source: TerraformInput) -> tuple[SuppressionIndex, list[Notice]]:
        return suppressions(source)


def read_input(path: str, env: Environment) -> TerraformInput:
    """The resources of a module directory (or of the directory of a ``.tf`` file) or of a
    plan file."""
    if os.path.isdir(path) or discovery.is_tf_like(path):
        from cwlint.terraform.modules import read_configuration
        from cwlint.terraform.reading import TerraformError

        directory = path if os.path.isdir(path) else discovery.module_directory_of(path)
        if not discovery.is_module_directory(directory):
            raise TerraformError(path, None, "no .tf or .tf.json files in this directory")
        return read_configuration(directory, env)
    from cwlint.terraform.plan import load_plan, plan_resources  # no HCL reader for a plan

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
    from cwlint.terraform.reading import MAX_CONFIGURATION_BYTES

    merged = SuppressionIndex()
    notices: list[Notice] = []
    for path in tf.files:
        if not path.endswith(".tf"):
            continue  # JSON has no comments
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(MAX_CONFIGURATION_BYTES)
        except OSError:
            continue
        index, found = terraform_suppressions(text, path)
        for resource, entries in index.by_resource.items():
            for entry in entries:
                merged.add(resource, entry)
        notices.extend(found)
    return merged, notices


def _repository_of(directory: str) -> str | None:
    """The root of the git repository holding ``directory`` (the nearest directory above
    it with a ``.git``), spelt relative to it when it is relative; None outside one."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.normpath(os.path.join(current, os.pardir))
        if os.path.abspath(parent) == os.path.abspath(current):
            return None
        current = parent
