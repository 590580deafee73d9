"""Which paths are Terraform inputs, for :func:`cwlint.engine.discover`.

* A directory holding ``*.tf`` files is one input: one module, its files together.
* A ``.tf`` file named on the command line stands for its directory (so that two changed
  files of one module, as pre-commit passes them, are one input).
* A ``*.json`` file is a plan when it has ``format_version`` and ``planned_values`` or
  ``resource_changes``; other JSON is left to the CloudFormation front end, which skips it
  when it is not a template either.
* When a directory is walked, a subdirectory that another walked directory calls as a
  local module (``source = "./modules/app"``) is analysed through its caller, with the
  caller's inputs and addresses (``module.app.aws_lambda_function.orders``), not again on
  its own with unknown inputs. A module directory named on the command line is always
  scanned.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable

TF_SUFFIX = ".tf"
_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"', re.MULTILINE)


def has_tf_files(names: Iterable[str]) -> bool:
    return any(name.endswith(TF_SUFFIX) for name in names)


def is_module_directory(path: str) -> bool:
    return os.path.isdir(path) and bool(glob.glob(os.path.join(glob.escape(path), "*.tf")))


def module_directory_of(path: str) -> str:
    """The module directory a ``.tf`` file belongs to."""
    return os.path.dirname(path) or "."


def is_terraform_input(path: str) -> bool:
    """A module directory, or a JSON file that looks like a plan."""
    if os.path.isdir(path):
        return is_module_directory(path)
    if not path.endswith(".json"):
        return False
    from cwlint.terraform.plan import might_be_plan  # the Terraform front end, when needed

    return might_be_plan(path)


def drop_called_modules(paths: list[str], root: str) -> list[str]:
    """``paths`` (found by walking ``root``) without the module directories that another
    of them calls as a local module (``root`` itself is always kept)."""
    directories = [p for p in paths if os.path.isdir(p)]
    if len(directories) < 2:
        return paths
    called: set[str] = set()
    for directory in directories:
        for source in _local_sources(directory):
            called.add(os.path.normpath(os.path.join(directory, source)))
    called.discard(os.path.normpath(root))
    return [p for p in paths if not (os.path.isdir(p) and os.path.normpath(p) in called)]


def _local_sources(directory: str) -> list[str]:
    sources: list[str] = []
    for path in sorted(glob.glob(os.path.join(glob.escape(directory), "*.tf"))):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                sources += _LOCAL_SOURCE.findall(handle.read(4 * 1024 * 1024))
        except OSError:
            continue
    return sources
