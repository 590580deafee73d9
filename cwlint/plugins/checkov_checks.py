"""cwlint's rules as checkov checks (``checkov --external-checks-dir checks/checkov``).

Imported only inside checkov's environment, by the small modules in ``checks/checkov/``
(one per rule group: ``register_group("0")`` for CWL001-CWL009). Each rule becomes one
check per framework with id ``CKV_CWL_nnn``, what it ensures as name, its documentation
URL as ``guideline``, a severity (error HIGH, warning MEDIUM) and categories (IAM /
NETWORKING / LOGGING by rule group).

**How a check sees the whole stack.** checkov hands a check one resource's configuration,
but cwlint's rules need the whole template (a function and its role are two resources).
So each check finds the file checkov is scanning and asks the engine for that file's
findings; the engine runs once per file however many checks and resources ask
(:mod:`cwlint.plugins.cache`), then each check answers for its own (rule, resource):
FAILED with the reasons in ``details``, PASSED, or UNKNOWN (see
:func:`cwlint.plugins.checkov_support.verdict`).

Frameworks (:data:`FRAMEWORKS`):

* ``cloudformation``: the file is the template checkov is scanning (CloudFormation and
  SAM); the resource is the logical id checkov passes as entity name.
* ``terraform`` and ``terraform_plan``: one :class:`TerraformCheck` per rule, in checkov's
  Terraform resource registry, which both runners use (so ``"terraform"`` is the one
  report type ``checks/checkov/ckv_cwl_bootstrap.py`` registers for them). It runs on the
  rule's Terraform types (:attr:`~cwlint.rules.base.Rule.reports_on`) and
  tells the two apart by the scanned file
  (:func:`~cwlint.plugins.checkov_support.terraform_input`): a plan (``.json``) is one
  engine input; for HCL the engine reads the root module directory, found through the
  chain of module calls checkov's runner keeps for the file, so a resource of a local
  module gets the findings ``cwlint scan`` reports on ``module.NAME.TYPE.NAME`` with the
  caller's inputs. Each input is analysed once (cached per plan file / directory,
  :func:`~cwlint.plugins.checkov_support.terraform_run`). The resource is
  ``conf["__address__"]``, the address checkov reports and ``cwlint scan`` uses, module
  prefix and ``count`` / ``for_each`` key included.

checkov's CloudFormation runner does not copy a check's ``details`` into its report (its
Terraform runners do). :func:`_patch_cloudformation_details` fills them in for the
CKV_CWL checks only, and only while checkov leaves them empty.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from checkov.cloudformation.checks.resource.base_resource_check import (
    BaseResourceCheck as CloudFormationResourceCheck,
)
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import (
    BaseResourceCheck as TerraformResourceCheck,
)

from cwlint.plugins.checkov_catalog import BY_RULE_ID, CATALOG, CheckInfo

if TYPE_CHECKING:  # imported by the first check that runs (see _support)
    from cwlint.plugins.cache import EngineRun
    from cwlint.rules.base import Rule

LOGGER = logging.getLogger(__name__)

#: Every CKV_CWL check created in this process, by check id, then framework.
CHECKS: dict[str, dict[str, Any]] = {}

_RESULTS = {"FAILED": CheckResult.FAILED, "PASSED": CheckResult.PASSED,
            "UNKNOWN": CheckResult.UNKNOWN}


def _support() -> ModuleType:
    """:mod:`cwlint.plugins.checkov_support`, imported by the first check that runs.

    Registering the checks takes only :data:`~cwlint.plugins.checkov_catalog.CATALOG`:
    the rules, the model and the engine (0.05-0.1 s, and their objects in the host's
    heap) load only in a checkov worker that meets a resource a rule looks at.
    """
    from cwlint.plugins import checkov_support

    return checkov_support


class _CwlintCheck:
    """What every CKV_CWL check does, whatever the framework.

    ``run`` remembers the scanned file and entity name checkov passes (a check otherwise
    only sees the resource's configuration); ``scan_resource_conf`` gets the file's
    findings from :meth:`engine_run` and answers for this rule and resource.
    """

    info: ClassVar[CheckInfo]
    framework: ClassVar[str]
    relevant_types: ClassVar[tuple[str, ...]] = ()
    details: list[str]
    entity_type: str
    #: (framework, scanned file, resource configuration, run) of the resource the last
    #: check looked at: checkov runs every check on a resource in a row, so the file is
    #: located once per resource, not once per check and resource
    _last: ClassVar[tuple[str, str, object, EngineRun | None] | None] = None

    def _register(self, host: type) -> None:
        """Initialise (and so register) the check as checkov's ``host`` check class."""
        info = self.info
        host.__init__(  # type: ignore[misc]
            self,
            name=info.name,
            id=info.checkov_id,
            categories=[CheckCategories[name] for name in info.categories],
            supported_resources=list(self.relevant_types or ["*"]),
            guideline=info.guideline,
        )
        self.severity = Severities[info.severity]
        self._scanned_file = ""
        self._entity_name = ""

    @property
    def rule(self) -> type[Rule]:
        """The cwlint rule of this check (imports the rule registry)."""
        from cwlint.rules import RULES_BY_ID

        return RULES_BY_ID[self.info.rule_id]

    def run(self, scanned_file: str, entity_configuration: dict[str, Any], entity_name: str,
            entity_type: str, skip_info: Any) -> Any:
        """checkov's entry point; remembers where the resource comes from."""
        self._scanned_file = scanned_file
        self._entity_name = entity_name
        return super().run(scanned_file, entity_configuration,  # type: ignore[misc]
                           entity_name, entity_type, skip_info)

    def engine_run(self, conf: dict[str, Any]) -> EngineRun | None:
        """The engine's findings on the file this resource comes from (None: unknown)."""
        raise NotImplementedError

    def resource_id(self, conf: dict[str, Any]) -> str:
        """The resource as ``cwlint scan`` names it (logical id / Terraform address)."""
        return self._entity_name

    def _run_for(self, conf: dict[str, Any]) -> EngineRun | None:
        last = _CwlintCheck._last
        if last is not None and last[0] == self.framework and last[1] == self._scanned_file \
                and last[2] is conf:
            return last[3]
        run = self.engine_run(conf)
        _CwlintCheck._last = (self.framework, self._scanned_file, conf, run)
        return run

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        """FAILED (with ``details``), PASSED or UNKNOWN for this rule and resource."""
        run = self._run_for(conf)
        if run is None:
            return CheckResult.UNKNOWN
        error = run.take_error()
        if error is not None:
            LOGGER.error("%s on %s: %s", self.info.checkov_id, self._scanned_file, error)
        answer = _support().verdict(run, self.rule, self.resource_id(conf), self.entity_type,
                         self.relevant_types)
        self.details.extend(answer.details)
        return _RESULTS[answer.result]


class CloudFormationCheck(_CwlintCheck, CloudFormationResourceCheck):
    """A cwlint rule on CloudFormation and SAM templates."""

    framework = "cloudformation"

    def __init__(self) -> None:
        self._register(CloudFormationResourceCheck)

    def engine_run(self, conf: dict[str, Any]) -> EngineRun | None:
        support = _support()
        path = support.resolve_scanned_file(self._scanned_file)
        if path is None:
            LOGGER.warning("%s: cannot locate %s", self.info.checkov_id, self._scanned_file)
            return None
        return support.cloudformation_run(path)


class TerraformCheck(_CwlintCheck, TerraformResourceCheck):
    """A cwlint rule on Terraform configurations (HCL) and plans (JSON): checkov's two
    runners share the Terraform resource registry, so one check serves both."""

    framework = "terraform"

    def __init__(self) -> None:
        self._register(TerraformResourceCheck)

    def engine_run(self, conf: dict[str, Any]) -> EngineRun | None:
        support = _support()
        path = support.terraform_input(self._scanned_file)
        if path is None:
            LOGGER.debug("%s: cwlint does not read %s", self.info.checkov_id,
                          self._scanned_file)
            return None
        return support.terraform_run(path)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        """checkov's Terraform entry point, without the expansion of ``dynamic`` blocks it
        runs first: a CKV_CWL check reads no attribute of ``conf`` but its address, and
        that expansion writes into ``conf`` and is not idempotent (each check that runs it
        appends the blocks' content again), so running it once more per CKV_CWL check
        would change what checkov's own checks see after it, and cost them time."""
        self.entity_type = entity_type
        if conf.get("count") == [0]:
            return CheckResult.UNKNOWN
        return self.scan_resource_conf(conf)

    def resource_id(self, conf: dict[str, Any]) -> str:
        """The Terraform address (``module.app.aws_lambda_function.orders``)."""
        address = conf.get("__address__")
        return address if isinstance(address, str) and address else self._entity_name


def _check(base: type[_CwlintCheck], syntax: str, label: str) -> Callable[[CheckInfo], Any]:
    """A factory of ``base`` checks for one rule, on the types the rule reports on in
    ``syntax`` (``cloudformation`` or ``terraform``: :attr:`Rule.reports_on`, as
    :data:`~cwlint.plugins.checkov_catalog.CATALOG` holds them)."""

    def make(info: CheckInfo) -> Any:
        cls = type(f"{info.rule_id}{base.__name__}", (base,), {
            "__module__": __name__,
            "__doc__": f"{info.checkov_id}: cwlint {info.rule_id} on {label}.",
            "info": info,
            "relevant_types": getattr(info, syntax),
        })
        return cls()

    return make


#: Framework name -> factory of the check for one rule (see the module docstring).
FRAMEWORKS: dict[str, Callable[[CheckInfo], Any]] = {
    "cloudformation": _check(CloudFormationCheck, "cloudformation", "CloudFormation"),
    "terraform": _check(TerraformCheck, "terraform", "Terraform and Terraform plans"),
}


#: checkov registry report type -> the frameworks whose checks live in that registry
#: (checkov's Terraform plan runner uses the Terraform resource registry).
REGISTRY_FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "cloudformation": ("cloudformation",),
    "terraform": ("terraform", "terraform_plan"),
}


def register(rule_id: str, report_type: str | None = None) -> list[Any]:
    """Create (once per process) and register the checks of one cwlint rule.

    ``report_type`` is the check type of the checkov registry that is loading the check
    files (None: unknown, register every framework). checkov executes each external
    check file once per framework runner; a check is created the first time its
    framework's registry loads, later calls return the same objects.
    """
    info = BY_RULE_ID[rule_id]
    wanted = REGISTRY_FRAMEWORKS.get(report_type, ()) if report_type else tuple(FRAMEWORKS)
    checks = CHECKS.setdefault(info.checkov_id, {})
    for framework in wanted:
        factory = FRAMEWORKS.get(framework)
        if factory is not None and framework not in checks:
            checks[framework] = factory(info)
    return list(checks.values())


def register_group(group: str, report_type: str | None = None) -> list[Any]:
    """Register the checks of every rule whose number has ``group`` as its middle digit
    (``"0"``: CWL001-CWL009, ``"1"``: CWL010-CWL019, ...)."""
    return [check for info in CATALOG if info.group == group
            for check in register(info.rule_id, report_type)]


def _patch_cloudformation_details() -> None:
    """Let checkov's CloudFormation report carry the CKV_CWL checks' ``details``.

    checkov's Terraform runners build each record with ``details=check.details``; its
    CloudFormation runner leaves that argument out, so the reason of a failure would be
    lost. The runner builds a record right after running the checks on a resource, so
    the check's ``details`` are still the ones of that resource. Records of other checks,
    and records that already carry details, are left alone.
    """
    try:
        from checkov.cloudformation import runner as cfn_runner
    except Exception:  # pragma: no cover - a checkov without a CloudFormation runner
        return
    original = getattr(cfn_runner, "Record", None)
    if not isinstance(original, type) or getattr(original, "_cwlint_details", False):
        return  # not the class we know, or already patched

    def record(*args: Any, **kwargs: Any) -> Any:
        # a factory, not a subclass: the records stay checkov's own class, which its
        # worker processes must be able to pickle back to the main process
        made = original(*args, **kwargs)
        check = CHECKS.get(str(getattr(made, "check_id", "")), {}).get("cloudformation")
        result = (getattr(made, "check_result", None) or {}).get("result")
        if check is not None and not made.details and result == CheckResult.FAILED:
            made.details = list(check.details)
        return made

    record._cwlint_details = True  # type: ignore[attr-defined]
    cfn_runner.Record = record


_patch_cloudformation_details()
