"""``file``, ``templatefile``, ``fileset`` and ``fileexists`` on files inside the module.

Terraform reads these files while it plans; so does cwlint, but only files inside the
directory of the module that calls the function (where ``${path.module}/policy.json``
points), never anything outside it: no parent directory, no absolute path elsewhere, no
symbolic link that leaves the module. A path outside the module, a file too large or
not UTF-8 text, or a template that uses what cwlint cannot evaluate gives an
:class:`~cwlint.values.Unknown` naming why. Relative paths are relative to the root
module, as Terraform resolves them from its working directory.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from cwlint.values import Unknown

#: Larger files are left unknown: a policy or a template is a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024
#: ``fileset`` lists at most this many files of the module.
MAX_FILESET = 1000
FILE_FUNCTIONS = ("file", "templatefile", "fileset", "fileexists")

#: Renders a template's text with the given variables (the expression evaluator's job).
Renderer = Callable[[str, Mapping[str, Any]], Any]


class ModuleFiles(msgspec.Struct, frozen=True):
    """Where a module's file functions may read: its directory, and the root module's
    directory that relative paths start from."""

    module: str
    root: str

    def inside(self, path: str) -> str | None:
        """The real path of ``path`` when it lies inside the module, else None.

        ``path.module`` and ``path.root`` are the directories as cwlint was given them
        (relative to where it runs), so a path that starts with one of them is taken as it
        is; any other relative path starts at the root module, as in Terraform."""
        if os.path.isabs(path) or any(
                path == d or path.startswith(d.rstrip("/") + "/")
                for d in (self.module, self.root) if d not in ("", ".")):
            full = path
        else:
            full = os.path.join(self.root, path)
        real = os.path.realpath(full)
        base = os.path.realpath(self.module)
        return real if real == base or real.startswith(base + os.sep) else None


def call_file_function(name: str, args: list[Any], files: ModuleFiles | None,
                       render: Renderer) -> Any:
    """The value of one of :data:`FILE_FUNCTIONS`, or an Unknown saying why not."""
    if files is None:
        return Unknown(f"function {name}() is not evaluated here")
    if not args or not isinstance(args[0], str):
        return Unknown(f"the path given to {name}() is not known statically")
    if name == "fileset":
        if len(args) != 2 or not isinstance(args[1], str):
            return Unknown("the pattern given to fileset() is not known statically")
        return _fileset(files, args[0], args[1])
    real = files.inside(args[0])
    if real is None:
        return Unknown(f"{name}() reads {args[0]}, outside the module: not read")
    if name == "fileexists":
        return os.path.isfile(real)
    text = _read(real, args[0], name)
    if isinstance(text, Unknown) or name == "file":
        return text
    if len(args) != 2 or not isinstance(args[1], Mapping):
        return Unknown("the variables given to templatefile() are not known statically")
    return render(text, args[1])


def _read(real: str, shown: str, name: str) -> str | Unknown:
    try:
        if os.path.getsize(real) > MAX_FILE_BYTES:
            return Unknown(f"{name}() reads {shown}, larger than {MAX_FILE_BYTES} bytes")
        with open(real, "rb") as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Unknown(f"{name}() cannot read {shown} ({type(exc).__name__})")


def _fileset(files: ModuleFiles, path: str, pattern: str) -> Any:
    """The files under ``path`` matching ``pattern`` (``*`` within a name, ``**`` across
    directories), relative to ``path`` and sorted, as Terraform returns them."""
    base = files.inside(path)
    if base is None:
        return Unknown(f"fileset() lists {path}, outside the module: not read")
    found: list[str] = []
    for directory, subdirectories, names in os.walk(base):
        subdirectories.sort()
        for entry in sorted(names):
            relative = os.path.relpath(os.path.join(directory, entry), base).replace(os.sep, "/")
            if _glob(pattern, relative):
                found.append(relative)
                if len(found) > MAX_FILESET:
                    return Unknown(f"fileset() matches more than {MAX_FILESET} files")
    return sorted(found)


def _glob(pattern: str, relative: str) -> bool:
    """Terraform's doublestar matching: ``**`` spans directories, ``*`` and ``?`` stay
    within one name."""
    if "**" not in pattern:
        parts, names = pattern.split("/"), relative.split("/")
        return len(parts) == len(names) and all(
            fnmatch.fnmatchcase(n, p) for p, n in zip(parts, names, strict=True))
    head, _, tail = pattern.partition("**")
    head = head.rstrip("/")
    tail = tail.lstrip("/")
    names = relative.split("/")
    prefix_parts = head.split("/") if head else []
    if len(names) < len(prefix_parts) or not all(
            fnmatch.fnmatchcase(n, p) for p, n in zip(prefix_parts, names, strict=False)):
        return False
    rest = names[len(prefix_parts):]
    if not tail:
        return True
    return any(_glob(tail, "/".join(rest[i:])) for i in range(len(rest)))
