"""CWL042 alarm-topic-unusable."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import AddStatements, Advice, Change, Fix
from cwlint.iam.evaluator import ALLOWED, UNKNOWN, Principal, Request, evaluate, normalize_context
from cwlint.iam.policy import Policy
from cwlint.model import Alarm, Model, SnsTopic
from cwlint.rules.base import ResourceTypes, Rule
from cwlint.rules.fixing import default_key_statements, with_fix
from cwlint.values import StrValue, Unknown

SERVICE = "cloudwatch.amazonaws.com"
#: What a publisher to an encrypted topic needs of its key (the SNS documentation's key
#: policy for AWS service event sources: kms:Decrypt and kms:GenerateDataKey*).
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
AWS_MANAGED_SNS_KEY = "alias/aws/sns"
#: Keys that depend on the account the alarm lives in: unknown at lint time, never absent.
UNKNOWN_KEYS = ("aws:SourceAccount", "AWS:SourceOwner", "kms:CallerAccount")


class AlarmTopicUnusable(Rule):
    """An alarm's actions (`AlarmActions`, `OKActions`, `InsufficientDataActions`;
    `alarm_actions`, `ok_actions`, `insufficient_data_actions`) notify an SNS topic of the
    input that CloudWatch cannot publish to:

    * the topic is encrypted with the AWS managed key `alias/aws/sns`, whose key policy
      cannot be changed and admits no AWS service principal;
    * it is encrypted with a customer managed key whose key policy does not let
      `cloudwatch.amazonaws.com` call `kms:Decrypt` and `kms:GenerateDataKey*` (evaluated
      as a resource policy, conditions included; a key from outside the input is not
      checked);
    * a topic policy of the input (`AWS::SNS::TopicPolicy`, `AWS::SNS::TopicInlinePolicy`,
      `aws_sns_topic_policy`, `aws_sns_topic.policy`) does not let
      `cloudwatch.amazonaws.com` call `sns:Publish` (`aws:SourceArn` is the alarm's ARN;
      the account keys are unknown at lint time, so a condition on them is never a
      denial). A topic without a policy in the input keeps the default policy, which lets
      the account's own alarms publish.

    Reported once, on the topic, naming its alarms.

    **Why monitoring goes silent.** The alarm changes state, but every notification
    fails ("CloudWatch Alarms does not have authorization to access the SNS topic
    encryption key"); only the alarm's history shows it. Nobody is paged.

    **Failing example.**
    ```yaml
    AlarmTopic:
      Type: AWS::SNS::Topic
      Properties:
        KmsMasterKeyId: alias/aws/sns
    ```

    **Fix (CloudFormation).** Encrypt the topic with a customer managed key whose
    `KeyPolicy` has:
    ```yaml
    - Effect: Allow
      Principal: {Service: cloudwatch.amazonaws.com}
      Action: [kms:Decrypt, kms:GenerateDataKey*]
      Resource: "*"
    ```
    and let `cloudwatch.amazonaws.com` call `sns:Publish` in the topic policy.

    **Fix (Terraform).** The same statement in the `aws_kms_key` `policy`, with
    `kms_master_key_id = aws_kms_key.alarms.arn` on the `aws_sns_topic`, and an
    `aws_sns_topic_policy` statement for `cloudwatch.amazonaws.com`.
    """

    id = "CWL042"
    name = "alarm-topic-unusable"
    title = "Alarm notifies an SNS topic CloudWatch cannot publish to"
    severity = ERROR
    ensures = "Ensure CloudWatch can publish the alarm notifications to the SNS topic"
    reports_on = ResourceTypes(("AWS::SNS::Topic",), ("aws_sns_topic",))

    def subjects(self, model: Model) -> Iterable[str]:
        """The SNS topics of the input that an alarm notifies."""
        return [model.sns_topics[t].location.resource for t in _notifying(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        for topic_id, alarms in _notifying(model).items():
            yield from self._check_topic(model, model.sns_topics[topic_id], alarms)

    def _check_topic(self, model: Model, topic: SnsTopic, alarms: list[Alarm]
                     ) -> Iterable[Finding]:
        causes: list[str] = []
        changes: list[Change] = []
        unknown: list[str] = []
        related = [Related.of(a.location) for a in alarms]
        key = topic.kms_key
        if isinstance(key, str) and _aws_managed_sns_key(key):
            causes.append(f"it is encrypted with the AWS managed key {AWS_MANAGED_SNS_KEY}, "
                          f"whose key policy cannot admit {SERVICE}")
            changes.append(Advice(f"Encrypt {topic.id} with a customer managed key whose "
                                  f"policy lets {SERVICE} call kms:Decrypt and "
                                  "kms:GenerateDataKey*"))
        elif isinstance(key, str) and key in model.kms_keys:
            kms = model.kms_keys[key]
            related.append(Related.of(kms.location))
            if kms.policy is not None:
                denied, maybe = _key_denials(model, topic, kms.policy, kms.arn)
                if denied:
                    causes.append(f"the key policy of {kms.id} does not let {SERVICE} call "
                                  + " and ".join(denied))
                    default = default_key_statements(kms)
                    changes.append(AddStatements(kms.id, "kms_key.policy", (*default, {
                        "Effect": "Allow", "Principal": {"Service": SERVICE},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}),
                        whole=bool(default)))
                elif maybe:
                    unknown.append(f"the key policy of {kms.id}")
        if topic.policies:
            denied_alarms, maybe_alarms = _policy_denials(model, topic, alarms)
            related.extend(Related.of(location) for _, location in topic.policies)
            if denied_alarms:
                causes.append(f"its topic policy does not let {SERVICE} call sns:Publish for "
                              + ", ".join(denied_alarms))
                changes.append(_publish(topic))
            elif maybe_alarms:
                unknown.append("its topic policy")
        names = ", ".join(a.id for a in alarms)
        location = topic.location.at(topic.kms_line)
        if causes:
            yield with_fix(Finding.at(
                location, self.id, self.severity,
                f"SNS topic {topic.id} cannot receive the notifications of alarm(s) {names}: "
                + "; ".join(causes), tuple(dict.fromkeys(related)),
            ), Fix(tuple(changes)))
        elif unknown:
            yield Finding.at(
                location, self.id, INFO,
                f"cannot tell whether {' and '.join(unknown)} of SNS topic {topic.id} let "
                f"{SERVICE} deliver the notifications of alarm(s) {names}",
                tuple(dict.fromkeys(related)))


def _publish(topic: SnsTopic) -> Change:
    """Let CloudWatch publish to ``topic`` through its topic policy (the first one, when
    the input has several)."""
    holder = topic.policies[0][1].resource
    if not isinstance(topic.arn, str) or not topic.arn:
        return Advice(f"Let {SERVICE} call sns:Publish on {topic.id} in its topic policy "
                      f"({holder})")
    return AddStatements(holder, "sns_topic_policy.policy", ({
        "Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sns:Publish",
        "Resource": topic.arn},))


def _notifying(model: Model) -> dict[str, list[Alarm]]:
    """Topic id -> the alarms that notify it, in input order."""
    found: dict[str, list[Alarm]] = {}
    for alarm in model.alarms.values():
        for topic in alarm.topics:
            if topic in model.sns_topics:
                found.setdefault(topic, []).append(alarm)
    return found


def _aws_managed_sns_key(key: str) -> bool:
    return key == AWS_MANAGED_SNS_KEY or key.endswith(":" + AWS_MANAGED_SNS_KEY)


def _context(extra: dict[str, StrValue]) -> dict[str, object]:
    context: dict[str, object] = {k: Unknown(f"{k} is known only at deployment")
                                  for k in UNKNOWN_KEYS}
    context.update({k: v if isinstance(v, str) else Unknown(f"{k} is not known statically")
                    for k, v in extra.items()})
    return context


def _key_denials(model: Model, topic: SnsTopic, policy: Policy, key_arn: StrValue
                 ) -> tuple[list[str], list[str]]:
    context = normalize_context(_context({
        "kms:ViaService": f"sns.{model.region}.amazonaws.com",
        "kms:EncryptionContext:aws:sns:topicArn": topic.arn}))
    denied, maybe = [], []
    for action in KEY_ACTIONS:
        request = Request(action, key_arn or "*", context, Principal("Service", SERVICE))
        decision = evaluate(request, [policy]).decision
        if decision == UNKNOWN:
            maybe.append(action)
        elif decision != ALLOWED:
            denied.append(action)
    return denied, maybe


def _policy_denials(model: Model, topic: SnsTopic, alarms: list[Alarm]
                    ) -> tuple[list[str], list[str]]:
    """The alarms no topic policy lets publish, and those it may. Several policies for one
    topic overwrite each other in an order the input does not fix: an alarm is denied
    only when every one of them denies it."""
    denied, maybe = [], []
    for alarm in alarms:
        context = normalize_context(_context({
            "aws:SourceArn": alarm.arn}))
        request = Request("sns:Publish", topic.arn or "*", context,
                          Principal("Service", SERVICE))
        decisions = {evaluate(request, [policy]).decision for policy, _ in topic.policies}
        if ALLOWED in decisions:
            continue
        if UNKNOWN in decisions:
            maybe.append(alarm.id)
        else:
            denied.append(alarm.id)
    return denied, maybe
