"""A boto3 client factory that can only read: ``--live`` never changes the account.

Read-only by construction: every client is created here, and each gets a botocore event
handler, registered first on ``before-parameter-build`` (before the request is even
built) and again on ``before-call`` (before it is signed and sent), that raises
:class:`WriteRefused` for any operation not on :data:`READ_ONLY_OPERATIONS`. The check is
on the operation model botocore is about to call, so it holds for paginators, waiters and
any method of the client, not only for the calls this package means to make. Clients of
other services are refused outright.

:meth:`ReadOnlyAWS.call` records every call and its outcome; a call refused by AWS for
lack of permission becomes a :class:`CallFailed` with ``denied`` set, so the diagnosis
reports the missing permission instead of failing. Problems that make every call fail
(no credentials, an unknown profile, an unreachable endpoint) raise
:class:`LiveUnavailable`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import msgspec
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.model import OperationModel
from botocore.parsers import ResponseParserError

#: The only operations ``--live`` may call, per service.
READ_ONLY_OPERATIONS: dict[str, frozenset[str]] = {
    "sts": frozenset({"GetCallerIdentity"}),
    "iam": frozenset({"GetRole", "ListAttachedRolePolicies", "ListRolePolicies",
                      "GetRolePolicy", "GetPolicy", "GetPolicyVersion",
                      "SimulatePrincipalPolicy"}),
    "ec2": frozenset({"DescribeVpcEndpoints", "DescribeInstances", "DescribeSecurityGroups",
                      "DescribeRouteTables", "DescribeSubnets"}),
    "lambda": frozenset({"GetFunctionConfiguration"}),
}
#: IAM action prefixes of the services above (for "missing permission" messages).
IAM_PREFIX = {"sts": "sts", "iam": "iam", "ec2": "ec2", "lambda": "lambda"}
DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
    "Client.UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
})
CREDENTIAL_CODES = frozenset({
    "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken",
    "ExpiredTokenException", "SignatureDoesNotMatch", "AuthFailure", "InvalidAccessKeyId",
})
CLIENT_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5,
                       read_timeout=30, user_agent_extra="cwlint-diagnose")


class WriteRefused(RuntimeError):
    """An operation outside :data:`READ_ONLY_OPERATIONS` was about to be called."""


class LiveUnavailable(RuntimeError):
    """No call can succeed: credentials, region or endpoint problem."""


class UnknownProfile(LiveUnavailable):
    """``--profile`` names no profile of the AWS configuration."""


@dataclass
class CallFailed(Exception):
    """AWS refused one call; ``denied`` when for lack of permission."""

    action: str
    code: str
    message: str
    denied: bool

    def __str__(self) -> str:
        return f"{self.action}: {self.code}: {self.message}"


def refuse_writes(model: OperationModel, **_: Any) -> None:
    """botocore event handler: raise :class:`WriteRefused` unless the operation is read-only."""
    service = model.service_model.service_name
    if model.name not in READ_ONLY_OPERATIONS.get(service, frozenset()):
        raise WriteRefused(f"cwlint diagnose --live only reads: refused {service}:{model.name}")


class CallRecord(msgspec.Struct):
    """One call ``--live`` made, and how it went."""
    action: str
    outcome: str  # "ok", "denied", "failed"
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"call": self.action, "outcome": self.outcome, "detail": self.detail}


class ReadOnlyAWS(msgspec.Struct):
    """Read-only access to one account through the standard credential chain."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    calls: list[CallRecord] = msgspec.field(default_factory=list)
    _session: Any = None
    _clients: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self._session = boto3.Session(profile_name=self.profile, region_name=self.region)
        except ProfileNotFound as exc:
            raise UnknownProfile(str(exc)) from None
        self.region = self.region or self._session.region_name or "us-east-1"

    def client(self, service: str) -> Any:
        """A client of one allowed service whose every call passes :func:`refuse_writes`."""
        if service not in READ_ONLY_OPERATIONS:
            raise WriteRefused(f"cwlint diagnose --live only reads: refused the {service} client")
        if service not in self._clients:
            try:
                client = self._session.client(service, region_name=self.region,
                                              endpoint_url=self.endpoint_url,
                                              config=CLIENT_CONFIG)
            except (NoRegionError, ValueError) as exc:
                raise LiveUnavailable(str(exc)) from None
            client.meta.events.register_first("before-parameter-build", refuse_writes)
            client.meta.events.register_first("before-call", refuse_writes)
            self._clients[service] = client
        return self._clients[service]

    @property
    def missing_permissions(self) -> list[str]:
        """The calls AWS refused for lack of permission, once each, in order."""
        return list(dict.fromkeys(c.action for c in self.calls if c.outcome == "denied"))

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call one operation; raise :class:`CallFailed` when AWS refuses it."""
        method = getattr(self.client(service), xform_name(operation))
        return self._invoke(service, operation, lambda: method(**params))

    def pages(self, service: str, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """The items under ``key`` of every page of a paginated operation."""
        paginator = self.client(service).get_paginator(xform_name(operation))

        def every_page() -> list[Any]:
            """Every item of every page."""
            return [item for page in paginator.paginate(**params) for item in page.get(key, [])]

        yield from self._invoke(service, operation, every_page)

    def _invoke(self, service: str, operation: str, call: Callable[[], Any]) -> Any:
        action = f"{IAM_PREFIX.get(service, service)}:{operation}"
        try:
            response = call()
        except ClientError as exc:
            raise self._failed(action, exc) from None
        except (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError) as exc:
            raise LiveUnavailable(f"no usable AWS credentials: {exc}") from None
        except (BotoConnectionError, HTTPClientError, NoRegionError) as exc:
            raise LiveUnavailable(f"{action}: {exc}") from None
        except (BotoCoreError, ResponseParserError) as exc:
            detail = " ".join(str(exc).split())
            detail = detail.split(". ", 1)[0][:120]
            self.calls.append(CallRecord(action, "failed", f"{type(exc).__name__}: {detail}"))
            raise CallFailed(action, type(exc).__name__, detail, False) from None
        self.calls.append(CallRecord(action, "ok"))
        return response

    def _failed(self, action: str, exc: ClientError) -> CallFailed | LiveUnavailable:
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        message = str(error.get("Message") or exc)
        if code in CREDENTIAL_CODES:
            self.calls.append(CallRecord(action, "failed", f"{code}: {message}"))
            return LiveUnavailable(f"{action}: {code}: {message}")
        denied = code in DENIED_CODES
        self.calls.append(CallRecord(action, "denied" if denied else "failed",
                                     f"{code}: {message}"))
        return CallFailed(action, code, message, denied)
