"""Which paths are Terraform inputs, for :func:`cwlint.engine.discover`.

* A directory holding configuration files (``*.tf``, and ``*.tf.json``, Terraform's JSON
  syntax as CDK for Terraform writes it) is one input: one module, its files together.
  As Terraform does, files whose names start with ``.`` (``.example.tf``) or are editor
  backups (``main.tf~``, ``#main.tf#``) are not configuration: a directory holding only
  such files is no module, and such a file named on the command line is skipped.
* A configuration file named on the command line stands for its module, analysed as a
  full scan of the working directory would: through the root modules that call it
  (:func:`calling_roots`), or on its own when nothing there calls it. So two changed
  files of one module, as pre-commit passes them, are one input, and a changed file of a
  child module is checked with its callers' inputs.
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

import os
import re
from collections.abc import Iterable

CONFIGURATION_SUFFIXES = (".tf", ".tf.json")
_LOCAL_SOURCE = re.compile(r'^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)"', re.MULTILINE)


def is_ignored_name(name: str) -> bool:
    """A file Terraform skips in a module directory: hidden, or an editor's backup."""
    base = os.path.basename(name)
    return base.startswith(".") or base.endswith("~") or (
        base.startswith("#") and base.endswith("#"))


def is_configuration_file(name: str) -> bool:
    """A ``.tf`` or ``.tf.json`` file that Terraform reads (not hidden, not a backup)."""
    return name.endswith(CONFIGURATION_SUFFIXES) and not is_ignored_name(name)


def is_tf_like(name: str) -> bool:
    """A name that looks like Terraform configuration, read or not (``.example.tf``)."""
    return name.endswith(CONFIGURATION_SUFFIXES)


def configuration_files(directory: str) -> list[str]:
    """The configuration files of a module directory, sorted."""
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return []
    return sorted(os.path.join(directory, n) for n in names if is_configuration_file(n)
                  and os.path.isfile(os.path.join(directory, n)))


def has_tf_files(names: Iterable[str]) -> bool:
    return any(is_configuration_file(name) for name in names)


def is_module_directory(path: str) -> bool:
    return os.path.isdir(path) and bool(configuration_files(path))


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


def calling_roots(directory: str, module_directories: Iterable[str]) -> list[str]:
    """The directories among ``module_directories`` (found by walking a repository) through
    which a full scan of it analyses the module in ``directory``: those that call it,
    directly or through other modules, and that no other one calls. Empty when nothing
    calls it (it is then a root of its own)."""
    target = os.path.normpath(directory)
    calls = {os.path.normpath(d): [os.path.normpath(os.path.join(d, s))
                                   for s in _local_sources(d)] for d in module_directories}
    called = {c for callees in calls.values() for c in callees}
    reaching: set[str] = set()
    frontier = [target]
    while frontier:  # walk the calls backwards from the module
        current = frontier.pop()
        for caller, callees in calls.items():
            if current in callees and caller not in reaching and caller != target:
                reaching.add(caller)
                frontier.append(caller)
    return sorted(d for d in reaching if d not in called)


def _local_sources(directory: str) -> list[str]:
    sources: list[str] = []
    for path in configuration_files(directory):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                sources += _LOCAL_SOURCE.findall(handle.read(4 * 1024 * 1024))
        except OSError:
            continue
    return sources
