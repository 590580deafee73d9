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

DOCS_URL = "https://github.com/cwlint/cwlint/blob/main/docs/rules.md#"


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[str] = ERROR
    #: False for a notice of a front end (CWL000), which has no cfn-lint or checkov twin
    plugin: ClassVar[bool] = True

    def check(self, model: Model) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.title)

    @classmethod
    def number(cls) -> str:
        return cls.id.removeprefix("CWL")

    @classmethod
    def cfn_lint_id(cls) -> str:
        """E9001 for CWL001: the severity letter, 9, then the number."""
        return f"{cls.severity[0].upper()}9{cls.number()}"

    @classmethod
    def checkov_id(cls) -> str:
        return f"CKV_CWL_{cls.number()}"

    @classmethod
    def help_uri(cls) -> str:
        return f"{DOCS_URL}{cls.id.lower()}-{cls.name}"
