"""The protocol the engine calls a front end through: discover inputs, read one, build
its models.

:mod:`cwlint.engine` holds the one scan pipeline. For each path it asks the front ends in
order (:data:`cwlint.engine.FRONT_ENDS`) which inputs they find there; for each input it
asks the first front end that claims it to read it, then to analyse it (build each model
and let the engine run the rules on it), to place its findings (columns) and to say
which inline suppressions its files hold. Severities, suppressions, subjects and errors
are the pipeline's, the same for every syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from cwlint.findings import Finding, InputError
from cwlint.model import Model
from cwlint.pathfilter import PathFilter
from cwlint.suppressions import Notice, SuppressionIndex

if TYPE_CHECKING:
    from cwlint.engine import ScanOptions

#: Runs the configured rules on one model (the engine's part of an analysis).
RunRules = Callable[[Model], list[Finding]]


class Input(msgspec.Struct, frozen=True):
    path: str
    explicit: bool  # named on the command line, not found by walking a directory


class InputFailure(Exception):
    """An input that cannot be read or analysed: the error names its file and line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.error = InputError(path, message, line)


class Discovery(msgspec.Struct):
    """What a front end may use while the engine discovers inputs."""

    exclude: PathFilter | None
    skip_unrecognized: bool
    walk: Callable[[str], Iterable[str]]  # the inputs a walk of a directory finds
    cache: dict[str, Any] = msgspec.field(default_factory=dict)


class FrontEnd(Protocol):
    """One syntax's way from files to models."""

    #: The input in messages ("the template nests too deeply to analyse").
    what: str

    def found_in(self, directory: str, names: list[str],
                 exclude: PathFilter | None) -> Iterable[str]:
        """The inputs in one directory of a walk (``names``: its files, sorted)."""
        ...

    def after_walk(self, found: list[str], root: str) -> list[str]:
        """What a walk of ``root`` found, once every front end has looked."""
        ...

    def named(self, path: str, discovery: Discovery) -> list[Input] | None:
        """The inputs a file named on the command line stands for; None when it is not
        this front end's."""
        ...

    def claims(self, path: str) -> bool:
        """Whether this front end reads the input ``path``."""
        ...

    def read(self, item: Input, options: ScanOptions) -> Any:
        """The input, read; None when an input found by walking is not this syntax
        after all (it is skipped). Raises :class:`InputFailure`."""
        ...

    def analyse(self, source: Any, options: ScanOptions, run: RunRules) -> list[Finding]:
        """Every finding of the input: its models built, ``run`` called on each, and the
        front end's own findings added. May raise :class:`InputFailure`."""
        ...

    def place(self, findings: list[Finding], source: Any) -> list[Finding]:
        """The findings with the columns of their lines."""
        ...

    def suppressions(self, source: Any) -> tuple[SuppressionIndex, list[Notice]]:
        """The inline suppressions of the input's files, and notices about them."""
        ...
