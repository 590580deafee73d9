"""Print diagnoses as text for a person in a hurry, or as one JSON object.

Text: per diagnosis, the parsed request, the ranked causes (with ``--live``, each one's
status and evidence), the full fix of the first cause (JSON policy, CloudFormation,
Terraform) and the read-only commands that confirm it. JSON: everything, for every cause.
"""

from __future__ import annotations

import json
from typing import Any

from cwlint import __version__
from cwlint.diagnose.arns import Arn
from cwlint.diagnose.causes import CONFIRMED, RULED_OUT, UNDECIDED, Cause
from cwlint.diagnose.diagnosis import Diagnosis, Result
from cwlint.diagnose.incident import AccessDenied, NetworkFailure, ServiceError

_STATUS_WORDS = {CONFIRMED: "CONFIRMED", RULED_OUT: "ruled out", UNDECIDED: "undecided"}
_PROBLEM_WORDS = {
    "log_group_kms_key_unusable": "log group KMS key unusable",
    "reserved_log_group": "reserved log group name",
    "alarm_action_failed": "alarm action failed",
    "log_delivery_policy_missing": "log delivery refused by the log group's resource policy",
    "apigateway_logs_role_missing": "API Gateway logging role not set",
    "log_group_missing": "log group does not exist",
}
_FAILURE_WORDS = {
    "connect_timeout": "connect timeout",
    "connect_failed": "could not connect",
    "dns_failure": "name did not resolve",
    "timeout": "timeout",
}


def to_json(result: Result, source: dict[str, Any]) -> str:
    """The JSON output: ``{version, input, diagnoses, summary}``."""
    diagnoses = result.diagnoses
    kinds = [d.incident.kind for d in diagnoses]
    body = {
        "version": __version__,
        "input": source,
        "diagnoses": [d.to_json() for d in diagnoses],
        "summary": {"diagnoses": len(diagnoses),
                    "access_denied": kinds.count("access_denied"),
                    "network": kinds.count("network"),
                    "service_error": kinds.count("service_error")},
    }
    return json.dumps(body, indent=2)


def to_text(result: Result) -> str:
    """The text output, one block per diagnosis."""
    blocks = [_diagnosis(number, d) for number, d in enumerate(result.diagnoses, start=1)]
    return "\n\n".join(blocks)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _diagnosis(number: int, diagnosis: Diagnosis) -> str:
    incident = diagnosis.incident
    seen = f"  (seen {diagnosis.occurrences} times)" if diagnosis.occurrences > 1 else ""
    lines = [_headline(number, incident) + seen]
    lines += ["   " + line for line in _request_lines(diagnosis)]
    lines.append("")
    lines.append("   Likely causes, most likely first:")
    for rank, cause in enumerate(diagnosis.causes, start=1):
        lines += _cause_lines(rank, cause)
    if diagnosis.live is not None:
        lines.append("")
        lines += ["   " + line for line in _live_lines(diagnosis.live)]
    top = next((c for c in diagnosis.causes if c.status != RULED_OUT), None)
    if top is not None and top.fix is not None:
        lines.append("")
        lines += _fix_lines(top)
    if top is not None and top.checks:
        lines.append("")
        lines.append(f"   Confirm {_label(top)} (read-only):")
        lines += [f"     $ {command}" for command in top.checks]
    return "\n".join(lines)


def _headline(number: int, incident: AccessDenied | NetworkFailure | ServiceError) -> str:
    sources = f"  [{', '.join(incident.sources)}]" if incident.sources else ""
    if isinstance(incident, ServiceError):
        on = incident.resource or incident.log_group
        words = _PROBLEM_WORDS.get(incident.problem, incident.problem)
        return f"{number}. {words}{f': {on}' if on else ''}{sources}"
    if isinstance(incident, AccessDenied):
        code = incident.error_code or "AccessDenied"
        on = f" on {incident.resource}" if incident.resource else ""
        return f"{number}. {code}: {incident.action}{on}{sources}"
    where = incident.host or f"the {incident.endpoint_service} endpoint"
    return f"{number}. {_FAILURE_WORDS[incident.failure]}: {where}{sources}"


def _request_lines(diagnosis: Diagnosis) -> list[str]:
    incident = diagnosis.incident
    rows: list[tuple[str, str]] = []
    if isinstance(incident, AccessDenied):
        principal = incident.principal
        if principal is not None:
            rows.append(("principal", principal.arn))
            detail = []
            if principal.role_name:
                detail.append(f"role {principal.role_name}")
            if principal.kind == "user" and principal.name:
                detail.append(f"user {principal.name}")
            if principal.session:
                detail.append(f"session {principal.session}")
            if detail:
                rows.append(("", ", ".join(detail)))
        rows.append(("account", incident.account or _missing_account(incident)))
        rows.append(("action", incident.action))
        rows.append(("resource", incident.resource or "(not in the message)"))
        target = incident.log_target
        if target is not None:
            stream = f", stream {target.stream}" if target.stream else ""
            rows.append(("", f"log group {target.group}{stream}"))
        if incident.operation:
            code = f" (error code {incident.error_code})" if incident.error_code else ""
            rows.append(("operation", incident.operation + code))
        reason = incident.reason
        rows.append(("reason", reason.text if reason else "none given in the message"))
    elif isinstance(incident, ServiceError):
        if incident.principal:
            rows.append(("principal", incident.principal))
        rows.append(("resource", incident.resource or "(not in the message)"))
        if incident.log_group:
            rows.append(("", f"log group {incident.log_group}"))
        if incident.operation:
            code = f" (error code {incident.error_code})" if incident.error_code else ""
            rows.append(("operation", incident.operation + code))
        if incident.detail:
            rows.append(("refused by", {"topic_key": "the topic's KMS key",
                                        "topic_policy": "the topic's access policy"}
                         .get(incident.detail, incident.detail)))
        rows.append(("message", incident.excerpt))
    else:
        rows.append(("service", f"{incident.service} (endpoint service "
                                f"com.amazonaws.{incident.region or '<region>'}."
                                f"{incident.endpoint_service})"))
        if incident.url:
            rows.append(("url", incident.url))
        if incident.address:
            rows.append(("address", f"{incident.address} ({incident.address_scope})"))
        if incident.region:
            known = "" if incident.known_region else "  (not a region botocore knows)"
            rows.append(("region", incident.region + known))
        if incident.operation:
            rows.append(("operation", incident.operation))
    workload = diagnosis.workload
    if workload.kind:
        name = f" {workload.name}" if workload.name else ""
        agent = " (CloudWatch agent)" if workload.agent else (" (FireLens)" if workload.firelens
                                                                else "")
        rows.append(("workload", f"{workload.kind}{name}{agent}"))
    return [f"{key:<10} {value}".rstrip() for key, value in rows]


def _missing_account(incident: AccessDenied) -> str:
    principal = incident.principal
    arn = Arn.parse(principal.arn) if principal is not None else None
    if arn is not None and arn.account and arn.account != "aws":
        return f"(redacted in the message: {arn.account})"
    return "(not in the message)"


def _label(cause: Cause) -> str:
    return f"{cause.rule_id} {cause.name}" if cause.rule_id else cause.name


def _cause_lines(rank: int, cause: Cause) -> list[str]:
    status = f" -- {_STATUS_WORDS[cause.status]}" if cause.status in _STATUS_WORDS else ""
    lines = [f"   {rank}) {_label(cause)} ({cause.likelihood}){status}",
             f"      {cause.summary}",
             f"      why: {cause.why}"]
    lines += [f"      found: {item}" for item in cause.evidence]
    if cause.fix is not None and rank > 1:
        lines.append(f"      fix: {cause.fix.summary}")
    return lines


def _fix_lines(cause: Cause) -> list[str]:
    fix = cause.fix
    assert fix is not None
    lines = [f"   Fix ({_label(cause)}): {fix.summary}"]
    if fix.policy is not None:
        lines += ["     JSON policy:", _indent(json.dumps(fix.policy, indent=2), "       ")]
    if fix.cloudformation:
        lines += ["     CloudFormation:", _indent(fix.cloudformation, "       ")]
    if fix.terraform:
        lines += ["     Terraform:", _indent(fix.terraform, "       ")]
    return lines


def _live_lines(live: dict[str, Any]) -> list[str]:
    if live.get("error"):
        return [f"Live check: {live['error']}"]
    who = f" as {live['caller']}" if live.get("caller") else ""
    lines = [f"Live check (read-only; account {live.get('account') or 'unknown'}{who}, "
             f"region {live.get('region')}):"]
    workload = live.get("workload")
    if workload and workload.get("found"):
        where = (f"in {workload['vpc_id']}, subnets {', '.join(workload['subnet_ids']) or 'none'}"
                 f", groups {', '.join(workload['security_groups']) or 'none'}"
                 if workload.get("in_vpc") else "not in a VPC")
        lines.append(f"  workload {workload['type']} {workload['name']}: {where}")
    role = live.get("role")
    if role and role.get("found"):
        policies = role.get("policies") or []
        shown = "; ".join(f"{p['name']}" + (" (cwlint's copy)" if p["source"] == "shipped"
                                             else "") for p in policies) or "none"
        lines.append(f"  role {role['name']}: {shown}")
    evaluation = live.get("evaluation")
    if evaluation:
        lines.append(f"  cwlint evaluator: {evaluation['decision']}")
        for layer in evaluation.get("missing_allow", []):
            where = "the identity policies" if layer == "identity" else layer
            lines.append(f"    no statement in {where} allows it")
        for reason in evaluation.get("unknown_reasons", []):
            lines.append(f"    depends on: {reason}")
    simulation = live.get("simulation")
    if simulation:
        if simulation.get("available"):
            lines.append(f"  iam:SimulatePrincipalPolicy: {simulation['decision']}")
        else:
            lines.append(f"  iam:SimulatePrincipalPolicy unavailable: {simulation['reason']}")
    network = live.get("network")
    if network and "internet" in network:
        lines.append(f"  internet route: {network['internet']} ({network['route']})")
    if network:
        for endpoint in network.get("endpoints", []):
            lines.append(f"  endpoint {endpoint['id']}: private DNS "
                         f"{'on' if endpoint['private_dns_enabled'] else 'off'}, groups "
                         f"{', '.join(endpoint['security_groups']) or 'none'}")
    if live.get("conclusion"):
        lines.append(f"  conclusion: {live['conclusion']}")
    if live.get("missing_permissions"):
        lines.append("  missing permissions for the diagnosis: "
                     + ", ".join(live["missing_permissions"]))
    lines += [f"  note: {problem}" for problem in live.get("problems", [])]
    return lines
