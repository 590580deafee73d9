"""Attributes Terraform computes that cwlint can write from the configuration.

``aws_cloudwatch_log_group.x.arn`` is known only after apply in a plan, but its shape is
fixed: ``arn:aws:logs:REGION:ACCOUNT:log-group:NAME``, without the ``:*`` that
CloudFormation's ``GetAtt LogGroup.Arn`` adds. Writing it from the
configured name (with the scan's region and account, as CloudFormation's pseudo
parameters are) is what lets CWL003 see a policy granted on the bare group ARN. Likewise
role, policy and instance profile ARNs, the Lambda function ARN, the region, account and
partition data sources, and ``data.aws_iam_policy_document``'s ``json``.

Whatever part cannot be written (a generated name) stays a
:class:`~cwlint.terraform.values.TfRef` to the attribute it depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from cwlint.frontend.arns import build_arn, iam_arn, log_group_arn
from cwlint.iam.managed import is_aws_managed_arn, managed_policy, managed_policy_document
from cwlint.terraform.values import after_apply, json_document, json_text
from cwlint.values import Partial, StrValue, Unknown, concat

#: Reads a configured argument (or nested blocks) of the resource; None when not set.
Getter = Callable[[str], Any]


class Environment(msgspec.Struct, frozen=True):
    """The values CloudFormation would call pseudo parameters (``--region`` ...)."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"


def computed_attribute(mode: str, rtype: str, attribute: str, get: Getter, address: str,
                       env: Environment) -> Any | None:
    """The value of an attribute that the configuration does not set, when its shape is
    known; None when it is simply known only after apply."""
    if mode == "data":
        return _data_attribute(rtype, attribute, get, address, env)
    arn_of = _ARNS.get(rtype)
    if arn_of is None:
        return None
    name_attribute = _NAME_ATTRIBUTES.get(rtype, "name")
    name = _name(get, address, name_attribute)
    if attribute == "arn" or (attribute == "id" and rtype in _ID_IS_ARN):
        return arn_of(env, get, name)
    if attribute in (name_attribute, "id"):
        return name
    return None


def _name(get: Getter, address: str, attribute: str = "name") -> StrValue:
    name = get(attribute)
    if isinstance(name, (str, Unknown, Partial)) and name != "":
        return name
    prefix = get("name_prefix")
    if isinstance(prefix, str) and prefix:
        return concat([prefix, after_apply(address, attribute)])
    return after_apply(address, attribute)


def _path(get: Getter) -> StrValue:
    path = get("path")
    return path if isinstance(path, (str, Unknown, Partial)) and path else "/"


def _iam_arn(kind: str) -> Callable[[Environment, Getter, StrValue], StrValue]:
    def arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
        return iam_arn(env.partition, env.account_id, kind, _path(get), name)
    return arn


def _log_group_arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
    return log_group_arn(env.partition, env.region, env.account_id, name)


def _lambda_arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
    return build_arn(env.partition, "lambda", env.region, env.account_id, "function:", name)


def _parameter_arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
    slash = "" if (isinstance(name, str) and name.startswith("/")) or (
        isinstance(name, Partial) and name.known_prefix().startswith("/")) else "/"
    return build_arn(env.partition, "ssm", env.region, env.account_id, "parameter", slash, name)


def _sns_topic_arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
    return build_arn(env.partition, "sns", env.region, env.account_id, name)


def _alarm_arn(env: Environment, get: Getter, name: StrValue) -> StrValue:
    return build_arn(env.partition, "cloudwatch", env.region, env.account_id, "alarm:", name)


_NAME_ATTRIBUTES = {"aws_lambda_function": "function_name",
                    "aws_cloudwatch_metric_alarm": "alarm_name"}
_ID_IS_ARN = ("aws_iam_policy", "aws_sns_topic")

_ARNS: dict[str, Callable[[Environment, Getter, StrValue], StrValue]] = {
    "aws_iam_role": _iam_arn("role"),
    "aws_iam_policy": _iam_arn("policy"),
    "aws_iam_instance_profile": _iam_arn("instance-profile"),
    "aws_cloudwatch_log_group": _log_group_arn,
    "aws_lambda_function": _lambda_arn,
    "aws_ssm_parameter": _parameter_arn,
    "aws_sns_topic": _sns_topic_arn,
    "aws_cloudwatch_metric_alarm": _alarm_arn,
}


def _data_attribute(rtype: str, attribute: str, get: Getter, address: str,
                    env: Environment) -> Any | None:
    if rtype == "aws_region" and attribute in ("name", "id", "region"):
        configured = get("name") if get("name") is not None else get("region")
        return configured if configured is not None else env.region
    if rtype == "aws_caller_identity" and attribute in ("account_id", "id"):
        return env.account_id
    if rtype == "aws_partition":
        if attribute in ("partition", "id"):
            return env.partition
        if attribute == "dns_suffix":
            return "amazonaws.com.cn" if env.partition == "aws-cn" else "amazonaws.com"
    if rtype == "aws_iam_policy_document" and attribute in ("json", "minified_json"):
        return json_text(policy_document(get))
    if rtype == "aws_iam_policy" and attribute in ("arn", "policy", "name", "path"):
        return _managed_policy_data(get, attribute, env)
    return None


def _managed_policy_data(get: Getter, attribute: str, env: Environment) -> Any | None:
    """``data "aws_iam_policy"`` looking up an AWS managed policy by ARN or name."""
    arn, name = get("arn"), get("name")
    policy = None
    if isinstance(arn, str) and is_aws_managed_arn(arn):
        policy = managed_policy(arn)
    elif isinstance(name, str):
        policy = managed_policy(name)
    if policy is None:
        return None
    if attribute == "arn":
        return policy.arn(env.partition)
    if attribute == "name":
        return policy.name
    if attribute == "path":
        return policy.path
    document = managed_policy_document(policy.arn(env.partition))
    return json_text(document) if document is not None else None


# --- data "aws_iam_policy_document" --------------------------------------------------------


def policy_document(get: Getter) -> Any:
    """The document ``data "aws_iam_policy_document"`` renders, as a structure (unknown parts
    stay unknown): source documents first, this document's statements replacing those with
    the same ``sid``, then override documents replacing by ``sid`` again."""
    statements: list[Any] = []
    for source in _documents(get("source_policy_documents"), get("source_json")):
        _merge_statements(statements, source)
    own = [_statement(block) for block in _blocks(get("statement"))]
    _merge_statements(statements, own)
    for override in _documents(get("override_policy_documents"), get("override_json")):
        _merge_statements(statements, override)
    document: dict[str, Any] = {"Version": _text_or(get("version"), "2012-10-17"),
                                "Statement": statements}
    policy_id = get("policy_id")
    if policy_id not in (None, ""):
        document["Id"] = policy_id
    return document


def _text_or(value: Any, default: str) -> Any:
    return default if value in (None, "") else value


def _blocks(value: Any) -> list[Any]:
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, list):
        return value
    return []


def _documents(*values: Any) -> list[list[Any]]:
    """The statement lists of source or override documents (JSON text)."""
    documents: list[list[Any]] = []
    for value in values:
        items = value if isinstance(value, list) else [] if value in (None, "") else [value]
        for item in items:
            if item in (None, ""):
                continue
            try:
                parsed = json_document(item)
            except ValueError:
                documents.append([Unknown("a source or override policy document is not JSON")])
                continue
            if isinstance(parsed, Unknown):
                documents.append([parsed])
            elif isinstance(parsed, Mapping):
                raw = parsed.get("Statement", [])
                documents.append(raw if isinstance(raw, list) else [raw])
    return documents


def _merge_statements(statements: list[Any], incoming: list[Any]) -> None:
    for statement in incoming:
        sid = statement.get("Sid") if isinstance(statement, Mapping) else None
        if isinstance(sid, str) and sid:
            for index, existing in enumerate(statements):
                if isinstance(existing, Mapping) and existing.get("Sid") == sid:
                    statements[index] = statement
                    break
            else:
                statements.append(statement)
        else:
            statements.append(statement)


def _statement(block: Any) -> Any:
    if not isinstance(block, Mapping):
        return block if isinstance(block, Unknown) else Unknown("a statement block")
    statement: dict[str, Any] = {}
    sid = block.get("sid")
    if isinstance(sid, str) and sid:  # an unknown Sid only labels the statement: left out
        statement["Sid"] = sid
    statement["Effect"] = _text_or(block.get("effect"), "Allow")
    for key, element in (("actions", "Action"), ("not_actions", "NotAction"),
                         ("resources", "Resource"), ("not_resources", "NotResource")):
        value = block.get(key)
        if isinstance(value, (Unknown, Partial)) or (isinstance(value, list) and value):
            statement[element] = _as_rendered(value)
    for key, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principals = _principals(block.get(key))
        if principals is not None:
            statement[element] = principals
    conditions = _conditions(block.get("condition"))
    if conditions:
        statement["Condition"] = conditions
    return statement


def _as_rendered(value: Any) -> Any:
    """A list of strings as the provider renders it (``policyDecodeConfigStringList``, the
    arguments being sets): one value alone as a string, more in reverse sorted order, as
    Terraform's plans show (``["s3:ListBucket", "s3:GetObject"]``). A list with unknown
    members keeps its order."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value
    distinct = sorted(set(value), reverse=True)
    return distinct[0] if len(distinct) == 1 else distinct


def _principals(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, list) or not value:
        return None
    result: dict[str, list[Any]] = {}
    for entry in value:
        if not isinstance(entry, Mapping):
            return Unknown("a principals block is not known statically")
        kind, identifiers = entry.get("type"), entry.get("identifiers")
        if not isinstance(kind, str):
            return Unknown("the type of a principals block is not known statically")
        if isinstance(identifiers, Unknown):
            return identifiers
        items = identifiers if isinstance(identifiers, list) else [identifiers]
        if kind == "*" and items == ["*"]:
            return "*"
        result.setdefault(kind, []).extend(items)
    return {kind: _as_rendered(items) for kind, items in result.items()}


def _conditions(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, list):
        return {}
    result: dict[str, dict[str, Any]] = {}
    for entry in value:
        if not isinstance(entry, Mapping):
            return Unknown("a condition block is not known statically")
        test, variable, values = entry.get("test"), entry.get("variable"), entry.get("values")
        if not isinstance(test, str) or not isinstance(variable, str):
            return Unknown("the test or variable of a condition block is not known statically")
        result.setdefault(test, {})[variable] = _as_rendered(values)
    return result
