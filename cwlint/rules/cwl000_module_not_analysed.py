"""CWL000 module-not-analysed: a notice of the Terraform front end, not an analysis rule."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import INFO, Finding
from cwlint.model import Model
from cwlint.rules.base import Rule


class ModuleNotAnalysed(Rule):
    """A Terraform `module` block whose source cwlint does not read: a registry module
    (`terraform-aws-modules/iam/aws`) or a git or HTTP URL that `terraform init` has not
    installed, or a local path that does not exist. It is reported once per module call,
    as an `info` finding on the `module` block, never as an error.

    cwlint never downloads or runs anything. After `terraform init`, the modules it
    installed are on disk (`.terraform/modules/modules.json` says where), and cwlint reads
    them there like local modules, with their inputs, addressed
    `module.app.module.child.aws_lambda_function.x`. A module that is not installed is not
    in the model, and every output of it (`module.iam.role_arn`) is *unknown*. Findings
    that depend on those values become `info` findings that say so, rather than guesses.

    **Why it matters for monitoring.** A role, policy or endpoint created inside the module
    may be exactly what silences a dashboard; cwlint can only vouch for what it reads.

    **Example.**

        module "iam" {
          source = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
        }

    **What to do.** Run `terraform init` first (it needs no credentials), then scan
    again; or scan the plan (`terraform show -json tfplan > plan.json`;
    `cwlint scan plan.json`): a plan contains every module's resources. To silence the
    notice, `disable: [CWL000]` in `.cwlint.yaml`, or
    `# cwlint:ignore CWL000 <reason>` above the `module` block.

    CWL000 is not a cfn-lint rule or a checkov check: those tools report the modules they
    cannot load themselves.
    """

    id = "CWL000"
    name = "module-not-analysed"
    title = "Terraform module not analysed (not installed by terraform init, or missing)"
    severity = INFO
    plugin = False

    def check(self, model: Model) -> Iterable[Finding]:
        """The Terraform front end reports these (it knows the module calls); the model
        has nothing for this notice to check."""
        return ()
