"""CWL000 module-not-analysed: a notice of the Terraform front end, not an analysis rule."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import INFO, Finding
from cwlint.model import Model
from cwlint.rules.base import Rule


class ModuleNotAnalysed(Rule):
    """A Terraform `module` block whose source cwlint does not read: a registry module
    (`terraform-aws-modules/iam/aws`), a git or HTTP URL, or a local path that does not
    exist. It is reported once per module call, as an `info` finding on the `module`
    block, never as an error.

    cwlint never downloads or runs anything, so the resources such a module creates are
    not in the model, and every output of it (`module.iam.role_arn`) is *unknown*. Findings
    that depend on those values become `info` findings that say so, rather than guesses.

    **Why it matters for monitoring.** A role, policy or endpoint created inside the module
    may be exactly what silences a dashboard; cwlint can only vouch for what it reads.

    **Example.**

        module "iam" {
          source = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
        }

    **What to do.** Scan the plan instead (`terraform show -json tfplan > plan.json`;
    `cwlint scan plan.json`): a plan contains every module's resources. To silence the
    notice, `disable: [CWL000]` in `.cwlint.yaml`, or
    `# cwlint:ignore CWL000 <reason>` above the `module` block.

    CWL000 is not a cfn-lint rule or a checkov check: those tools report the modules they
    cannot load themselves.
    """

    id = "CWL000"
    name = "module-not-analysed"
    title = "Terraform module not analysed (registry, git or missing source)"
    severity = INFO
    plugin = False

    def check(self, model: Model) -> Iterable[Finding]:
        """The Terraform front end reports these (it knows the module calls); the model
        has nothing for this notice to check."""
        return ()
