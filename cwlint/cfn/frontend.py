"""The CloudFormation front end: which files are templates, reading one, and its models
(one per ``Fn::If`` scenario, :mod:`cwlint.cfn.scenarios`), for :mod:`cwlint.engine`.

A file found by walking a directory that cannot be parsed and holds no sign of
CloudFormation (a Helm chart, a tsconfig.json with comments) is skipped, not reported as
unreadable; a file named on the command line is always reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cwlint.columns import place_in_template
from cwlint.findings import Finding
from cwlint.frontend.protocol import Discovery, Input, InputFailure, RunRules
from cwlint.pathfilter import PathFilter
from cwlint.suppressions import Notice, SuppressionIndex, cfn_suppressions
from cwlint.terraform.discovery import is_tf_like

if TYPE_CHECKING:
    from cwlint.cfn.loader import LoadedTemplate
    from cwlint.engine import ScanOptions

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")

#: Text that any CloudFormation template contains: a file found by walking a directory
#: that cannot be parsed and holds none of it (a Helm chart, a multi-document Kubernetes
#: manifest, a tsconfig.json with comments) is skipped, not reported as unreadable.
_CFN_MARKER = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless"
                         r"|[\"']?\bType[\"']?\s*:\s*[\"']?[A-Za-z0-9]+::[A-Za-z0-9]")


class CloudFormationFrontEnd:
    """CloudFormation and SAM templates (YAML or JSON)."""

    what = "template"

    def found_in(self, directory: str, names: list[str],
                 exclude: PathFilter | None) -> Iterable[str]:
        for name in names:
            path = os.path.join(directory, name)
            if name.endswith(TEMPLATE_SUFFIXES) and not is_tf_like(name) and not (
                    exclude and exclude.excluded(path)):
                yield path

    def after_walk(self, found: list[str], root: str) -> list[str]:
        return found

    def named(self, path: str, discovery: Discovery) -> list[Input] | None:
        if discovery.skip_unrecognized and not path.endswith(TEMPLATE_SUFFIXES):
            return []
        return [Input(path, not discovery.skip_unrecognized)]

    def claims(self, path: str) -> bool:
        return True  # the last front end asked: whatever the others leave

    def read(self, item: Input, options: ScanOptions) -> LoadedTemplate | None:
        # the reader (and PyYAML) is imported by the first template read: finding templates
        # needs none of it, and a Terraform run does not load it
        from cwlint.cfn.loader import TemplateError, load_template

        try:
            loaded = load_template(item.path)
        except TemplateError as exc:
            if not item.explicit and not _mentions_cloudformation(item.path):
                return None
            raise InputFailure(item.path, exc.message, exc.line) from exc
        if not loaded.looks_like_cloudformation():
            if item.explicit:
                raise InputFailure(item.path, "not a CloudFormation template, Terraform "
                                   "configuration or Terraform plan")
            return None
        return loaded

    def analyse(self, source: LoadedTemplate, options: ScanOptions,
                run: RunRules) -> list[Finding]:
        from cwlint.cfn.loader import TemplateError

        try:
            return template_findings(source, options, run)
        except TemplateError as exc:
            raise InputFailure(source.path, exc.message, exc.line) from exc

    def place(self, findings: list[Finding], source: LoadedTemplate) -> list[Finding]:
        return place_in_template(findings, source.template)

    def suppressions(self, source: LoadedTemplate) -> tuple[SuppressionIndex, list[Notice]]:
        return cfn_suppressions(source, _source_text(source.path))


def template_findings(loaded: LoadedTemplate, options: ScanOptions,
                      run: RunRules) -> list[Finding]:
    """Every finding of one decoded template, across its ``Fn::If`` scenarios: ``run`` is
    called on the model of each."""
    # imported here: finding templates needs none of it, and a run with no template (the
    # checkov plugin on Terraform) does not load the builder
    from cwlint.cfn.builder import build_model
    from cwlint.cfn.intrinsics import Resolver
    from cwlint.cfn.scenarios import (
        analyse_scenarios,
        possible_combinations,
        relevant_conditions,
    )

    resolver = Resolver(loaded, region=options.region, account_id=options.account_id)
    resolver.evaluate_conditions()  # a cyclic condition is an error for the whole file

    def analyse(overrides: dict[str, bool] | None) -> list[Finding]:
        if options.boundaries is None:
            model = build_model(loaded, options.region, options.account_id, overrides)
        else:
            model = build_model(loaded, options.region, options.account_id, overrides,
                                boundaries=options.boundaries)
        return run(model)

    def possible(chosen: list[str]) -> set[tuple[bool, ...]] | None:
        return possible_combinations(
            loaded, lambda values: Resolver(loaded, region=options.region,
                                            account_id=options.account_id,
                                            parameter_values=values), chosen)

    return analyse_scenarios(relevant_conditions(loaded, resolver), analyse, possible)


def _source_text(path: str) -> str:
    """The template's text for comment-based suppressions (already read once by the
    loader, so it is readable)."""
    from cwlint.cfn.loader import MAX_FILE_BYTES

    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read(MAX_FILE_BYTES)
    except OSError:
        return ""


def _mentions_cloudformation(path: str) -> bool:
    """Could this unparsable file be a CloudFormation template? (see _CFN_MARKER)"""
    from cwlint.cfn.loader import MAX_FILE_BYTES

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
    except OSError:
        return True  # unreadable: report it
    if b"\x00" in data:
        return False
    return _CFN_MARKER.search(data.decode("utf-8", errors="replace")) is not None
