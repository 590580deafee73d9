"""Where cfn-lint already says what a cwlint rule would say: CWL008 and cfn-lint's W3037.

cfn-lint's own rule W3037 ("Check IAM Permission configuration") reports every action of
a policy document that its installed action list does not know, one match per action,
on the action itself. CWL008 (unknown-monitoring-action) reports the same fact for
``cloudwatch:`` and ``logs:`` actions, once per policy, and adds the closest real action
("did you mean cloudwatch:PutMetricData?"). Inside cfn-lint, the user would read both.

So the cfn-lint twin of CWL008 (ECW008) stays silent on a finding when W3037 reports
every one of its unknown actions in the same run, and speaks otherwise:

* W3037 exists in the installed cfn-lint (a release that drops or renames it gives the
  findings back to ECW008);
* the template has no ``AWS::Serverless`` transform (W3037 skips SAM templates);
* neither the resource's ``Metadata: cfn-lint: config: ignore_checks`` (exact ids) nor
  the template's (id prefixes) turns W3037 off;
* every action cwlint finds unknown under the finding's node (the policy, or the
  resource when the finding points at it) is a plain string in an ``Action`` or
  ``NotAction`` list, and cfn-lint's action list (the same data W3037 reads) does not
  know it either.

An ``--ignore-checks W3037`` on the command line or in ``.cfnlintrc`` is not visible to
a rule: with it, cfn-lint reports neither, and ``cwlint scan`` (or checkov) still does.
``cwlint scan`` and checkov always report CWL008: they have no W3037.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from cwlint.iam import actions
from cwlint.rules.cwl008_unknown_monitoring_action import CHECKED_SERVICES

#: cfn-lint's id of its unknown-action rule (the rule CWL008 declares as
#: :attr:`~cwlint.rules.base.Rule.said_by_cfn_lint`).
W3037 = "W3037"

_ACTION_KEYS = ("Action", "NotAction")


@functools.cache
def cfn_lint_service_map() -> Mapping[str, Any] | None:
    """cfn-lint's action list (lowercase service -> {"Actions": {...}}), as W3037 loads
    it; None when the installed cfn-lint has no rule W3037."""
    try:
        from cfnlint.data import AdditionalSpecs
        from cfnlint.helpers import load_resource
        from cfnlint.rules.resources.iam.Permissions import Permissions
    except ImportError:
        return None
    if getattr(Permissions, "id", None) != W3037:
        return None
    try:
        data = load_resource(AdditionalSpecs, "Policies.json")
    except Exception:  # a cfn-lint that keeps its data elsewhere
        return None
    return data if isinstance(data, Mapping) else None


def cfn_lint_knows(action: str, service_map: Mapping[str, Any]) -> bool:
    """Whether W3037 accepts ``action`` (its own test: the lowercase service is listed
    and the lowercase name, or the ``*``/``?`` pattern, matches one of its actions)."""
    service, _, permission = action.partition(":")
    body = service_map.get(service.lower())
    if not isinstance(body, Mapping):
        return False
    known = body.get("Actions", {})
    permission = permission.lower()
    if "*" in permission or "?" in permission:
        pattern = re.compile("^" + "".join(
            ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in permission) + "$")
        return any(pattern.match(name) for name in known)
    return permission in known


def reported_by_w3037(cfn: Any, resource: str, node: Any) -> bool:
    """Whether cfn-lint's W3037 reports every unknown monitoring action under ``node`` (a
    node of ``Resources.<resource>`` of the template cfn-lint decoded)."""
    service_map = cfn_lint_service_map()
    if service_map is None or _serverless(cfn) or _w3037_ignored(cfn.template, resource):
        return False
    unknown = [(action, plain) for action, plain in _monitoring_actions(node)
               if actions.action_exists(action) is False]
    return bool(unknown) and all(plain and not cfn_lint_knows(action, service_map)
                                 for action, plain in unknown)


def _serverless(cfn: Any) -> bool:
    check = getattr(cfn, "has_serverless_transform", None)
    return bool(check()) if callable(check) else False


def _w3037_ignored(template: Mapping[str, Any], resource: str) -> bool:
    resources = template.get("Resources")
    entry = resources.get(resource) if isinstance(resources, Mapping) else None
    if isinstance(entry, Mapping) and W3037 in _ignore_checks(entry.get("Metadata")):
        return True
    return any(isinstance(prefix, str) and prefix and W3037.startswith(prefix)
               for prefix in _ignore_checks(template.get("Metadata")))


def _ignore_checks(metadata: Any) -> list[Any]:
    """``Metadata.cfn-lint.config.ignore_checks`` of a resource or template, as a list."""
    config = metadata.get("cfn-lint", {}) if isinstance(metadata, Mapping) else {}
    config = config.get("config", {}) if isinstance(config, Mapping) else {}
    checks = config.get("ignore_checks", []) if isinstance(config, Mapping) else []
    return checks if isinstance(checks, list) else [checks]


def _monitoring_actions(node: Any) -> Iterator[tuple[str, bool]]:
    """Every ``cloudwatch:``/``logs:`` string under an ``Action``/``NotAction`` key below
    ``node``, and whether it is written plainly (a string or an item of a list of
    strings, where W3037 sees it) rather than inside an intrinsic function."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _ACTION_KEYS:
                plain = isinstance(value, str) or (
                    isinstance(value, list) and all(isinstance(v, str) for v in value))
                yield from ((s, plain) for s in _strings(value) if _monitoring(s))
            else:
                yield from _monitoring_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _monitoring_actions(item)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _monitoring(text: str) -> bool:
    return ":" in text and text.split(":", 1)[0].lower() in CHECKED_SERVICES
