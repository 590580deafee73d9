"""Policy documents that live outside the templates, named by the configuration.

* ``scps``: service control policies, one file per level of the organization (a JSON
  list in one file is several SCPs at the same level), evaluated with every role's
  policies (:attr:`cwlint.model.Model.scps`).
* ``permissions_boundaries``: boundary documents by policy ARN or name. A role whose
  ``PermissionsBoundary`` names a policy that is not in the template (so cwlint would
  otherwise treat the boundary as unknown) gets the configured document instead.

Files are read like ``cwlint iam simulate --policy``: one document, a JSON list of them,
or what ``aws iam get-policy-version`` prints.
"""

from __future__ import annotations

import os

import msgspec

from cwlint.config import Config, ConfigError
from cwlint.errors import UsageError
from cwlint.iam.policy import Policy
from cwlint.iam.policy_files import load_policy_file
from cwlint.model import AttachedPolicy, Location


def load_scps(config: Config) -> tuple[tuple[Policy, ...], ...]:
    """One tuple of policies per SCP level, in the order the configuration lists them."""
    return tuple(tuple(_load(config, f"scps[{i}]", path)) for i, path in enumerate(config.scps))


class Boundaries(msgspec.Struct, frozen=True):
    """Configured permissions boundary documents, looked up by a role's boundary ARN."""

    documents: tuple[tuple[str, Policy], ...] = ()  # (ARN or name, document), sorted

    def attached(self, value: str, location: Location) -> AttachedPolicy | None:
        """The boundary for a ``PermissionsBoundary`` value (an ARN), or None.

        A configured full ARN must equal the value; a configured name matches the policy
        name of the ARN (``DeveloperBoundary`` or ``path/DeveloperBoundary`` both match
        ``arn:aws:iam::123456789012:policy/path/DeveloperBoundary``).
        """
        for key, policy in self.documents:
            if _boundary_matches(key, value):
                return AttachedPolicy(_policy_name(key), "boundary", policy, location)
        return None


def load_boundaries(config: Config) -> Boundaries:
    documents = []
    for key, path in config.permissions_boundaries:
        policies = _load(config, f"permissions_boundaries.{key}", path)
        if len(policies) != 1:
            raise ConfigError(f"{config.path}: permissions_boundaries.{key}: {_shown(path)} "
                              f"holds {len(policies)} documents; a boundary is one policy")
        documents.append((key, _renamed(policies[0], f"{_policy_name(key)} ({_shown(path)})")))
    exact = sorted(d for d in documents if d[0].startswith("arn:"))
    by_name = sorted(d for d in documents if not d[0].startswith("arn:"))
    return Boundaries(tuple(exact + by_name))


def _boundary_matches(key: str, value: str) -> bool:
    if key.startswith("arn:"):
        return key == value
    resource = value.split(":", 5)[-1] if value.startswith("arn:") else value
    name = resource.removeprefix("policy/")
    return name == key or name.endswith("/" + key)


def _policy_name(key: str) -> str:
    return key.rsplit("/", 1)[-1] if key.startswith("arn:") else key


def _renamed(policy: Policy, name: str) -> Policy:
    return Policy(name, policy.version, policy.statements, policy.origin)


def _load(config: Config, key: str, path: str) -> list[Policy]:
    try:
        policies = load_policy_file(path, key)
    except UsageError as exc:
        raise ConfigError(f"{config.path}: {key}: {exc}") from None
    shown = _shown(path)
    if len(policies) == 1:
        return [_renamed(policies[0], shown)]
    return [_renamed(p, f"{shown}[{i}]") for i, p in enumerate(policies)]


def _shown(path: str) -> str:
    """A path for messages: relative to the working directory when it is below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
