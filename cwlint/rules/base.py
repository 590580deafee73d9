"""The shape every rule has: an id, a name, a severity, documentation, and ``check``.

A rule's class docstring is its documentation page (``cwlint explain CWLnnn`` prints it):
what it checks, why that silences monitoring, a failing example, and the fix in
CloudFormation and in Terraform.

A rule also carries what the hosts and the other parts of cwlint need to know about it,
so that no table elsewhere repeats its id: the resource types its findings name
(:attr:`Rule.reports_on`, the types its checkov check runs on), what its checkov check
ensures (:attr:`Rule.ensures`), a cfn-lint rule that already says what it says
(:attr:`Rule.said_by_cfn_lint`) and, for the rules about a workload's own permissions,
what each workload must be allowed to do (:meth:`Rule.requires`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

import msgspec

from cwlint.findings import ERROR, Finding
from cwlint.model import Model, Workload

if TYPE_CHECKING:  # requirements are built with the helpers of cwlint.rules.requirements
    from cwlint.rules.requirements import Requirement

#: The project's repository; rule pages are read there (SARIF ``helpUri``, cfn-lint
#: ``source_url``, checkov ``guideline``).
REPOSITORY_URL = "https://github.com/cwlint/cwlint"
#: Where a file of the main branch is shown.
DOCS_URL = f"{REPOSITORY_URL}/blob/main/"
#: The directory of the rule pages, relative to the repository root.
RULE_PAGES = "docs/rules"


class ResourceTypes(msgspec.Struct, frozen=True):
    """Resource types, as CloudFormation and as Terraform name them (``+`` joins two)."""

    cloudformation: tuple[str, ...] = ()
    terraform: tuple[str, ...] = ()

    def __add__(self, other: ResourceTypes) -> ResourceTypes:
        return ResourceTypes(self.cloudformation + other.cloudformation,
                             self.terraform + other.terraform)


class Rule:
    """A cwlint rule: its identity and documentation as class attributes, and
    :meth:`check`, which reads one model and yields findings."""

    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[str] = ERROR
    #: False for a notice of a front end (CWL000), which has no cfn-lint or checkov twin
    plugin: ClassVar[bool] = True
    #: True when ``cwlint scan --fix`` can apply the rule's fix itself (where the value is
    #: a literal: see cwlint.fixes.apply)
    fixable: ClassVar[bool] = False
    #: The resource types its findings name (as its page says): its checkov check runs on
    #: these only, and a finding on another type is logged as one checkov cannot show.
    #: Empty: every type.
    reports_on: ClassVar[ResourceTypes] = ResourceTypes()
    #: What its checkov check ensures, as checkov names checks: checkov prints the name
    #: beside PASSED and FAILED, so it says what holds when the check passes ("Ensure the
    #: Lambda function's role can write to its log group"), not what a finding says.
    ensures: ClassVar[str] = ""
    #: The id of a cfn-lint rule that reports the same facts inside cfn-lint (its cfn-lint
    #: twin then stays silent on them: :mod:`cwlint.plugins.cfn_lint_overlap`), or None.
    said_by_cfn_lint: ClassVar[str | None] = None
    #: True when its findings say that a role has no Allow for a call its workload makes
    #: (CWL001, CWL004...): ``cwlint diagnose --live`` confirms such a rule when the role
    #: that was denied has no Allow for the request.
    missing_allow: ClassVar[bool] = False

    def check(self, model: Model) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def requires(cls, model: Model, workload: Workload) -> list[Requirement]:
        """What ``workload`` must be allowed to do for this rule to pass, each requirement
        naming this rule (:mod:`cwlint.rules.requirements` gathers them from every rule
        of the registry). Only the rules about a workload's own permissions have any."""
        return []

    def subjects(self, model: Model) -> Iterable[str] | None:
        """The resources this rule examines in ``model``: those it would report on if
        something were wrong (a workload that publishes metrics for CWL001, a policy that
        grants a log-stream action for CWL003). A subject with no finding *passed* the
        rule; a resource that is not a subject is outside the rule (checkov shows
        nothing for it rather than a pass). None when the rule does not say: a host
        then treats every resource of the types the rule reports on as examined.
        """
        return None

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.title)

    @classmethod
    def number(cls) -> str:
        return cls.id.removeprefix("CWL")

    @classmethod
    def cfn_lint_id(cls) -> str:
        """ECW001 for CWL001 (WCW040 for the warning rule CWL040): the severity letter,
        ``CW``, then the number. cfn-lint leaves ``[EWI]9xxx`` to its users' own rules, so
        cwlint's ids keep out of that range and cannot clash with them."""
        return f"{cls.severity[0].upper()}CW{cls.number()}"

    @classmethod
    def checkov_id(cls) -> str:
        return f"CKV_CWL_{cls.number()}"

    @classmethod
    def checkov_name(cls) -> str:
        """What its checkov check ensures, starting "Ensure" (:attr:`ensures`; a rule
        that does not say gets "Ensure no finding of CWLnnn: <title>")."""
        return cls.ensures or f"Ensure no finding of {cls.id}: {cls.title}"

    @classmethod
    def page(cls) -> str:
        """The rule's documentation page, relative to the repository root
        (``docs/rules/cwl001-metrics-publish-denied.md``)."""
        return f"{RULE_PAGES}/{cls.id.lower()}-{cls.name}.md"

    @classmethod
    def help_uri(cls) -> str:
        """The rule's page on the web (SARIF ``helpUri``, cfn-lint ``source_url``, checkov
        ``guideline``)."""
        return f"{DOCS_URL}{cls.page()}"
