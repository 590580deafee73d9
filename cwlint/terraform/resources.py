"""What both Terraform front ends hand the builder: resource instances with their values.

The HCL front end (:mod:`cwlint.terraform.modules`) and the plan front end
(:mod:`cwlint.terraform.plan`) each turn their input into a :class:`TerraformInput`, a
flat list of :class:`TfResource` addressed the way Terraform addresses them
(``aws_lambda_function.orders``, ``module.app.aws_iam_role.app``,
``aws_subnet.private[0]``). One builder (:mod:`cwlint.terraform.builder`) maps that list
to the :class:`~cwlint.model.Model`, so HCL and a plan of the same configuration give the
same findings on the same addresses.

A resource's arguments are a :class:`Block`: attribute values (known, or Unknown and
Partial) and nested blocks as lists of Blocks. Each Block also records, per attribute,
the references its expression makes (``aws_iam_role.app.arn``, ``aws_iam_role.app``),
module-qualified: a plan's ``configuration`` gives them even when the value is unknown
until apply, and they are how the builder links a function to its role then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import msgspec

from cwlint.model import Location

References = tuple[str, ...]


class Block(dict[str, Any]):
    """Attribute name -> value, nested block type -> list of Blocks; ``refs`` holds the
    references of each attribute's expression."""

    def __init__(self, values: dict[str, Any] | None = None,
                 refs: Mapping[str, References] | None = None) -> None:
        super().__init__(values or {})
        self.refs: MutableMapping[str, References] = (
            refs if isinstance(refs, LazyReferences) else dict(refs or {}))

    def blocks(self, name: str) -> list[Block]:
        """The nested blocks of one type (none when the value is not a list of blocks)."""
        value = self.get(name)
        items = value if isinstance(value, list) else [value]
        return [b if isinstance(b, Block) else Block(b) for b in items if isinstance(b, dict)]

    def first(self, name: str) -> Block | None:
        found = self.blocks(name)
        return found[0] if found else None


class LazyReferences(MutableMapping[str, References]):
    """The references of a block's attributes, each worked out by ``compute(name)`` the
    first time it is read: the builder reads those of the few attributes it links, and
    the HCL front end need not walk every expression of every resource for them."""

    def __init__(self, names: Iterable[str], compute: Callable[[str], References]) -> None:
        self._names = dict.fromkeys(names)  # in order
        self._known: dict[str, References] = {}
        self._compute = compute

    def __getitem__(self, name: str) -> References:
        known = self._known.get(name)
        if known is None:
            if name not in self._names:
                raise KeyError(name)
            known = self._known[name] = self._compute(name)
        return known

    def __setitem__(self, name: str, value: References) -> None:
        self._names[name] = None
        self._known[name] = value

    def __delitem__(self, name: str) -> None:
        del self._names[name]
        self._known.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class TfResource(msgspec.Struct):
    """One resource or data source instance."""

    address: str  # module.app.aws_lambda_function.orders["a"]
    mode: str  # "managed" or "data"
    type: str
    name: str
    module: str  # "" for the root module, else module.app (with instance keys)
    body: Block
    location: Location
    # Argument and block names written in the configuration; None when the input does
    # not say (a plan without its configuration section).
    configured: frozenset[str] | None = None
    code: str = ""  # inline source code (a Lambda function zipped by data.archive_file)

    def is_set(self, name: str) -> bool | None:
        """Whether the configuration sets ``name`` (None: cannot tell)."""
        if self.configured is None:
            return None
        return name in self.configured


class ModuleNote(msgspec.Struct, frozen=True):
    """A module call cwlint did not follow (a registry or git source not installed by
    ``terraform init``, or a local path without configuration files)."""

    address: str  # module.vpc
    source: str
    location: Location
    reason: str = ""  # why it was not followed, when not "not installed"


class TerraformInput(msgspec.Struct):
    """Everything a front end read from one input (a module directory or a plan)."""

    path: str
    kind: str  # "hcl" or "plan"
    resources: list[TfResource] = msgspec.field(default_factory=list)
    modules_not_followed: list[ModuleNote] = msgspec.field(default_factory=list)
    files: list[str] = msgspec.field(default_factory=list)  # the .tf files read (for suppressions)
    # The default aws provider's region and account when the configuration states them.
    region: str | None = None
    account_id: str | None = None
