"""CWL020 log-group-kms-key-unusable."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import AddStatements, Advice, Fix, spelled
from cwlint.iam.evaluator import (
    ALLOWED,
    UNKNOWN,
    Context,
    Principal,
    Request,
    evaluate,
    lint_context,
)
from cwlint.model import KmsKey, LogGroup, Model
from cwlint.rules.base import Rule
from cwlint.rules.fixing import default_key_statements, with_fix
from cwlint.rules.requirements import log_group_arn
from cwlint.rules.resource_types import LOG_GROUPS

#: One concrete action per pattern the CloudWatch Logs documentation asks the key policy for
#: (kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*).
LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                    "kms:GenerateDataKey", "kms:DescribeKey")
CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"
#: The global service principal AWS CDK writes; AWS documents the regional one.
GLOBAL_LOGS_PRINCIPAL = "logs.amazonaws.com"


class LogGroupKmsKeyUnusable(Rule):
    """A log group is encrypted with a KMS key whose key policy does not let the CloudWatch
    Logs service use it, or with an asymmetric key.

    The key policy must allow the service principal `logs.<region>.amazonaws.com`
    `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and
    `kms:Describe*`. It is evaluated as a resource policy, conditions included: an
    `ArnLike`/`ArnEquals` on `kms:EncryptionContext:aws:logs:arn` must match the group's
    ARN. A key policy that admits only the global `logs.amazonaws.com` (what AWS CDK
    writes) is reported as info: AWS documents the regional principal, and the global one
    is reported to work, so cwlint cannot call it broken. Granting the account root ("Enable IAM User Permissions") does not grant the
    service. CloudWatch Logs supports only symmetric keys (`KeySpec: SYMMETRIC_DEFAULT`). A
    key from outside the input is not checked.

    **Why monitoring goes silent.** Creating the group fails, or, when the key policy
    changes later, every PutLogEvents fails and the logs (and metric filters and EMF
    metrics built on them) stop.

    **Failing example (CloudFormation).**
    ```yaml
    LogKey:
      Type: AWS::KMS::Key
      Properties:
        KeyPolicy:
          Version: "2012-10-17"
          Statement:
            - Sid: Enable IAM User Permissions   # the account, not the Logs service
              Effect: Allow
              Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
              Action: kms:*
              Resource: "*"
    OrdersLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: /orders/app
        KmsKeyId: !GetAtt LogKey.Arn
    ```

    **Fix (CloudFormation).** Add to `KeyPolicy.Statement`:
    ```yaml
    - Effect: Allow
      Principal: {Service: !Sub "logs.${AWS::Region}.amazonaws.com"}
      Action: [kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*]
      Resource: "*"
      Condition:
        ArnLike:
          kms:EncryptionContext:aws:logs:arn: !Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
    ```

    **Fix (Terraform).** The same statement in the `aws_kms_key` `policy`, with
    `principals { type = "Service" identifiers = ["logs.${var.region}.amazonaws.com"] }`.
    """

    id = "CWL020"
    name = "log-group-kms-key-unusable"
    title = "Log group's KMS key cannot be used by CloudWatch Logs"
    severity = ERROR
    ensures = "Ensure CloudWatch Logs can use the log group's KMS key"
    reports_on = LOG_GROUPS

    def subjects(self, model: Model) -> Iterable[str]:
        """The log groups encrypted with a KMS key of this input."""
        return [g.location.resource for g in _encrypted_groups(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        for group in _encrypted_groups(model):
            yield from self._check_group(model, group)

    def _check_group(self, model: Model, group: LogGroup) -> Iterable[Finding]:
        key = model.kms_keys[group.kms_key]  # type: ignore[index]
        location = group.location.at(group.kms_line)
        related = (Related.of(key.location),)
        if isinstance(key.key_spec, str) and key.key_spec != "SYMMETRIC_DEFAULT":
            spec = spelled("kms_key.spec", model.syntax)
            yield with_fix(Finding.at(
                location, self.id, self.severity,
                f"log group {group.id} is encrypted with KMS key {key.id}, whose {spec} "
                f"{key.key_spec} is asymmetric; CloudWatch Logs supports only symmetric keys",
                related), Fix((Advice(f"Use a symmetric key (SYMMETRIC_DEFAULT) for "
                                      f"{group.id}"),)))
            return
        if key.policy is None:
            return
        service = f"logs.{model.region}.amazonaws.com"
        context = lint_context({CONTEXT_KEY: log_group_arn(model, group.name)})
        denied, unknown = [], []
        for action in LOGS_KEY_ACTIONS:
            request = Request(action, key.arn or "*", context, Principal("Service", service))
            decision = evaluate(request, [key.policy]).decision
            if decision == UNKNOWN:
                unknown.append(action)
            elif decision != ALLOWED:
                denied.append(action)
        globally = [a for a in denied if _global_decision(key, context, a) != "denied"]
        if denied and len(globally) == len(denied):
            yield Finding.at(
                location, self.id, INFO,
                f"the key policy of {key.id} admits {GLOBAL_LOGS_PRINCIPAL} but not the "
                f"regional {service} that AWS documents for log group {group.id}: cannot "
                f"tell whether CloudWatch Logs can use the key (naming {service} too "
                "removes the doubt)", related)
        elif denied:
            statement = {
                "Effect": "Allow", "Principal": {"Service": service},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
                           "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {CONTEXT_KEY: log_group_arn(model, "*")}}}
            default = default_key_statements(key)
            statements = (*default, statement)
            yield with_fix(Finding.at(
                location, self.id, self.severity,
                f"log group {group.id} is encrypted with KMS key {key.id}, whose key policy "
                f"does not allow {service} " + ", ".join(denied), related,
            ), Fix((AddStatements(key.id, "kms_key.policy", statements,
                                  whole=bool(default)),)))
        elif unknown:
            yield Finding.at(location, self.id, INFO,
                             f"cannot tell whether the key policy of {key.id} lets {service} "
                             f"use it for log group {group.id}", related)


def _global_decision(key: KmsKey, context: Context, action: str) -> str:
    """Does the key policy admit the global principal for ``action``?"""
    request = Request(action, key.arn or "*", context, Principal("Service", GLOBAL_LOGS_PRINCIPAL))
    decision = evaluate(request, [key.policy] if key.policy else []).decision
    return "denied" if decision not in (ALLOWED, UNKNOWN) else decision


def _encrypted_groups(model: Model) -> list[LogGroup]:
    return [g for g in model.log_groups.values()
            if isinstance(g.kms_key, str) and g.kms_key in model.kms_keys]
