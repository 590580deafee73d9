"""Resource references and new names, as each language writes them.

A change names resources by the finding's spelling: a CloudFormation logical id
(``AppRole``), an attribute of one (``Vpc.DefaultSecurityGroup``), a Terraform address
(``aws_iam_role.app``, ``module.app.aws_iam_role.app``, ``aws_subnet.private[0]``) or a
reference to an attribute (``aws_vpc.main.default_security_group_id``). Anything else
(``sg-0123``, ``10.0.1.0/24``) is a literal value.
"""

from __future__ import annotations

import re

import msgspec

_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")
_LOGICAL_ATTRIBUTE = re.compile(r"([A-Za-z0-9]+)\.([A-Za-z0-9.]+)")
_KEY = r"(?:\[[^\]]*\])?"
_MODULES = rf"((?:module\.[A-Za-z0-9_-]+{_KEY}\.)*)"
_TYPE = r"(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*"  # aws_iam_role: a provider prefix
_ADDRESS = re.compile(rf"{_MODULES}({_TYPE}\.[A-Za-z0-9_-]+{_KEY})")
_ATTRIBUTE = re.compile(rf"{_MODULES}({_TYPE}\.[A-Za-z0-9_-]+{_KEY})\.([a-z0-9_]+)")


class Address(msgspec.Struct, frozen=True):
    """A Terraform address split for writing: the module it lives in ("" for the root),
    its type, its name and its instance key (``[0]``, ``["a"]`` or "")."""

    module: str
    type: str
    name: str
    key: str

    @property
    def local(self) -> str:
        """How the module that declares it refers to it."""
        return f"{self.type}.{self.name}{self.key}"


def terraform_address(text: str) -> Address | None:
    """``text`` as an address of a resource or data source, or None."""
    match = _ADDRESS.fullmatch(text)
    if match is None:
        return None
    module = match.group(1).rstrip(".")
    local = match.group(2)
    key = ""
    if local.endswith("]"):
        local, key = local[:local.index("[")], local[local.index("["):]
    kind, name = local.rsplit(".", 1)
    return Address(module, kind, name, key)


def terraform_reference(value: str, attribute: str) -> str | None:
    """An HCL expression for ``attribute`` of the resource ``value`` names (``value`` as
    given when it already names an attribute); None for a literal."""
    address = terraform_address(value)
    if address is not None:
        return f"{address.local}.{attribute}"
    match = _ATTRIBUTE.fullmatch(value)
    if match is not None:
        return f"{match.group(2)}.{match.group(3)}"
    return None


def terraform_module(value: str) -> str:
    """The module (``module.app``) a Terraform address lives in; "" for the root."""
    address = terraform_address(value)
    if address is not None:
        return address.module
    match = _ATTRIBUTE.fullmatch(value)
    return match.group(1).rstrip(".") if match is not None else ""


def logical_id(value: str) -> bool:
    return _LOGICAL_ID.fullmatch(value) is not None


def logical_attribute(value: str) -> tuple[str, str] | None:
    """``(LogicalId, Attribute)`` for ``Vpc.DefaultSecurityGroup``, else None."""
    match = _LOGICAL_ATTRIBUTE.fullmatch(value)
    return (match.group(1), match.group(2)) if match is not None else None


def camel(*words: str) -> str:
    """A CloudFormation logical id made of ``words`` (alphanumeric only)."""
    parts = [p for w in words for p in re.split(r"[^A-Za-z0-9]+", w) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Fix"


def snake(*words: str) -> str:
    """A Terraform resource name made of ``words``."""
    text = "_".join(re.sub(r"[^A-Za-z0-9]+", "_", w).strip("_") for w in words if w)
    text = re.sub(r"_+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)).lower()
    return text if text and not text[0].isdigit() else f"r_{text}"


def short_name(value: str) -> str:
    """The name part of an id for building new names: ``app`` of ``aws_iam_role.app[0]``,
    ``AppRole`` of ``AppRole``, ``Vpc`` of ``Vpc.DefaultSecurityGroup``."""
    address = terraform_address(value)
    if address is not None:
        return address.name
    match = _ATTRIBUTE.fullmatch(value)
    if match is not None:
        return match.group(2).rsplit(".", 1)[-1].split("[")[0]
    if logical_attribute(value) is not None:
        return value  # Vpc.DefaultSecurityGroup: both parts (camel/snake drop the dot)
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-") or "group"
