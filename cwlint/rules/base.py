"""The shape every rule has: an id, a name, a severity, documentation, and ``check``.

A rule's class docstring is its documentation page (``cwlint explain CWLnnn`` prints it):
what it checks, why that silences monitoring, a failing example, and the fix in
CloudFormation and in Terraform.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import ClassVar

from cwlint.findings import ERROR, Finding
from cwlint.model import Model

#: The project's repository; rule pages are read there (SARIF ``helpUri``, cfn-lint
#: ``source_url``, checkov ``guideline``).
REPOSITORY_URL = "https://github.com/cwlint/cwlint"
#: Where a file of the main branch is shown.
DOCS_URL = f"{REPOSITORY_URL}/blob/main/"
#: The directory of the rule pages, relative to the repository root.
RULE_PAGES = "docs/rules"


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[str] = ERROR
    #: False for a notice of a front end (CWL000), which has no cfn-lint or checkov twin
    plugin: ClassVar[bool] = True
    #: True when ``cwlint scan --fix`` can apply the rule's fix itself (where the value is
    #: a literal: see cwlint.fixes.apply)
    fixable: ClassVar[bool] = False

    def check(self, model: Model) -> Iterable[Finding]:
        raise NotImplementedError

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
    def page(cls) -> str:
        """The rule's documentation page, relative to the repository root
        (``docs/rules/cwl001-metrics-publish-denied.md``)."""
        return f"{RULE_PAGES}/{cls.id.lower()}-{cls.name}.md"

    @classmethod
    def help_uri(cls) -> str:
        """The rule's page on the web (SARIF ``helpUri``, cfn-lint ``source_url``, checkov
        ``guideline``)."""
        return f"{DOCS_URL}{cls.page()}"
