"""What an error message's ARNs say: who made the request, and on which log group.

A principal ARN names its kind: ``arn:aws:sts::A:assumed-role/ROLE/SESSION`` is a session
of role ``ROLE`` (the role's path is not part of the ARN), ``arn:aws:iam::A:role/PATH/NAME``
a role, ``arn:aws:iam::A:user/PATH/NAME`` a user, ``arn:aws:sts::A:federated-user/NAME`` a
federated user, ``arn:aws:iam::A:root`` the account. The session name says which kind of
workload holds the role: EC2 names instance-profile sessions after the instance id
(``i-0abc...``), Lambda names the execution role's session after the function.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

# The account field as people paste it: twelve digits, ``aws``, nothing, or a redaction
# (``xxxx``, ``******``, ``XXXXXXXXXXXX``, ``[REDACTED]``, ``<my account_id>``, ``{account}``,
# GitHub's ``***``, an id cut short). A redacted account is unknown; the rest of the ARN
# still holds.
ACCOUNT = r"(?:<[^<>:\n]{1,40}>|\[[^\[\]:\s]{1,40}\]|\{[^{}:\s]{1,40}\}|[^:/\s<>\[\]{}]{0,40})"
ACCOUNT_ID = re.compile(r"\d{12}")
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z0-9]+)*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    rf"(?P<account>{ACCOUNT}):(?P<resource>.+)"
)
INSTANCE_ID = re.compile(r"i-[0-9a-f]{8,17}")
# Lambda function names: letters, digits, hyphens and underscores, up to 64 characters.
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
LOG_STREAM_ARN = re.compile(
    rf"arn:(?P<partition>aws(?:-[a-z0-9]+)*):logs:(?P<region>[a-z0-9-]+):(?P<account>{ACCOUNT}):"
    r"log-group:(?P<group>[^:]+)(?::(?P<rest>.*))?"
)


class Arn(msgspec.Struct, frozen=True):
    """The six fields of an ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @staticmethod
    def parse(text: str) -> Arn | None:
        """The fields of ``text``, or None when it is not an ARN."""
        match = _ARN.fullmatch(text)
        if match is None:
            return None
        return Arn(match["partition"], match["service"], match["region"],
                   match["account"] or "", match["resource"])

    @property
    def known_account(self) -> str | None:
        """The account id, None when the field is empty, ``aws`` or redacted."""
        return self.account if ACCOUNT_ID.fullmatch(self.account) else None


class PrincipalInfo(msgspec.Struct, frozen=True):
    """The principal of an AccessDenied message.

    ``kind`` is ``assumed-role``, ``role``, ``user``, ``federated-user``, ``root`` or
    ``unknown`` (not an ARN, e.g. ``anonymous``). ``workload`` is ``ec2`` when the session
    is named after an instance, else None (:mod:`~cwlint.diagnose.causes` adds Lambda from
    the log group or the log shape).
    """

    arn: str
    kind: str
    partition: str | None = None
    account: str | None = None
    name: str | None = None  # role, user or federated user name
    session: str | None = None
    path: str | None = None

    @property
    def role_name(self) -> str | None:
        """The role's name for a role or a role session, else None."""
        return self.name if self.kind in ("assumed-role", "role") else None

    @property
    def role_arn(self) -> str | None:
        """The role's ARN; for a session the role's path is unknown and taken as ``/``."""
        if self.role_name is None or self.account is None:
            return None
        return f"arn:{self.partition}:iam::{self.account}:role{self.path or '/'}{self.name}"

    @property
    def instance_id(self) -> str | None:
        """The EC2 instance id when the session is named after one, else None."""
        session = self.session or ""
        return session if INSTANCE_ID.fullmatch(session) else None

    def to_json(self) -> dict[str, Any]:
        """The principal as the JSON output shows it."""
        data: dict[str, Any] = {"arn": self.arn, "type": self.kind, "account": self.account}
        if self.kind in ("assumed-role", "role"):
            data["role"] = self.name
            data["role_arn"] = self.role_arn
        elif self.kind in ("user", "federated-user"):
            data["user"] = self.name
        if self.kind == "assumed-role":
            data["session"] = self.session
        if self.instance_id:
            data["instance_id"] = self.instance_id
        return data


def parse_principal(text: str) -> PrincipalInfo:
    """Classify a principal ARN (anything else is kind ``unknown``)."""
    arn = Arn.parse(text)
    if arn is None or arn.service not in ("sts", "iam"):
        return PrincipalInfo(text, "unknown")
    base = {"partition": arn.partition, "account": arn.known_account}
    resource = arn.resource
    if arn.service == "sts" and resource.startswith("assumed-role/"):
        _, role, *session = resource.split("/", 2)
        return PrincipalInfo(text, "assumed-role", name=role, session=session[0] if session
                             else None, **base)
    if arn.service == "sts" and resource.startswith("federated-user/"):
        return PrincipalInfo(text, "federated-user", name=resource.split("/", 1)[1], **base)
    if arn.service == "iam" and resource.startswith(("role/", "user/")):
        kind, rest = resource.split("/", 1)
        path, _, name = rest.rpartition("/")
        return PrincipalInfo(text, kind, name=name, path=f"/{path}/" if path else "/", **base)
    if arn.service == "iam" and resource == "root":
        return PrincipalInfo(text, "root", **base)
    return PrincipalInfo(text, "unknown", **base)


class LogTarget(msgspec.Struct, frozen=True):
    """The log group (and stream) a CloudWatch Logs request ARN names.

    ``stream`` is None for a group ARN, "" for the ``log-stream:`` form that
    ``CreateLogGroup`` is authorized on, else the stream name. ``account`` is None when
    the message redacted it; the group's ARN then has ``*`` in the account field.
    """

    partition: str
    region: str
    account: str | None
    group: str
    stream: str | None

    @property
    def group_arn(self) -> str:
        """The log group's ARN, without a trailing ``:*``."""
        return (f"arn:{self.partition}:logs:{self.region}:{self.account or '*'}:"
                f"log-group:{self.group}")

    @property
    def grant(self) -> str:
        """The Resource that covers every stream of the group (and CreateLogGroup)."""
        return f"{self.group_arn}:*"


def parse_log_target(resource: str | None) -> LogTarget | None:
    """The log group of a ``logs`` ARN, else None."""
    if not resource:
        return None
    match = LOG_STREAM_ARN.fullmatch(resource)
    if match is None:
        return None
    rest = match["rest"]
    stream: str | None = None
    if rest is not None and rest.startswith("log-stream:"):
        stream = rest[len("log-stream:"):]
    account = match["account"] if ACCOUNT_ID.fullmatch(match["account"]) else None
    return LogTarget(match["partition"], match["region"], account, match["group"], stream)
