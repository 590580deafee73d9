"""The configuration file: ``.cwlint.yaml`` or ``[tool.cwlint]`` in ``pyproject.toml``.

Found from the scanned paths upward (their common directory, then its parents, stopping
at the repository root, the first directory that holds ``.git``); in each directory
``.cwlint.yaml`` (or ``.cwlint.yml``) comes before ``pyproject.toml``, and a
``pyproject.toml`` without a ``[tool.cwlint]`` table does not count. ``--config FILE``
names the file instead. One file configures the whole run; files are not merged.

Every key is optional (``-`` and ``_`` are interchangeable in key names)::

    enable: [CWL001, CWL004]        # run only these rules (cwlint, cfn-lint or checkov ids)
    disable: [CWL040]               # never run these
    severity: {CWL003: warning}     # the severity of a rule's definite findings
    strict: true                    # every Lambda function publishes metrics, every
                                    # instance runs the CloudWatch agent
    namespaces:                     # declared metric namespaces per workload
      OrdersFunction: [Orders]      # (logical id or Terraform address)
    region: eu-west-1               # AWS::Region (the command line wins)
    account_id: "111122223333"      # AWS::AccountId (the command line wins)
    exclude: [cdk.out, "legacy/**"] # paths not to scan
    scps: [policies/org-scp.json]   # one file per level of service control policies
    permissions_boundaries:         # boundary documents that live outside the templates,
      DeveloperBoundary: policies/developer-boundary.json   # by policy name or ARN
    fail_on: warning                # default of --fail-on
    baseline: .cwlint-baseline.json # default of --baseline
    jobs: 4                         # default of --jobs (worker processes; 1: none)

Relative paths are relative to the directory of the configuration file. An unknown key,
an unknown rule or a value of the wrong type is a usage error (exit 2) that names the
file and the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from cwlint.errors import UsageError
from cwlint.findings import SEVERITY_RANK
from cwlint.rules import DOCUMENTED, rule_named
from cwlint.rules.base import Rule
from cwlint.severities import FAIL_ON

YAML_NAMES = (".cwlint.yaml", ".cwlint.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(UsageError):
    """A configuration file that cannot be read or holds an invalid key; exit code 2."""


class Config(msgspec.Struct, frozen=True):
    """A validated configuration; ``path`` is the file it came from (None: no file)."""

    path: str | None = None
    enable: tuple[str, ...] | None = None
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    namespaces: tuple[tuple[str, tuple[str, ...]], ...] = ()
    region: str | None = None
    account_id: str | None = None
    exclude: tuple[str, ...] = ()
    scps: tuple[str, ...] = ()  # paths as resolved against the configuration's directory
    permissions_boundaries: tuple[tuple[str, str], ...] = ()  # (ARN or name, path)
    fail_on: str | None = None
    baseline: str | None = None
    jobs: int | None = None

    @property
    def base_dir(self) -> str:
        """The directory relative paths and ``exclude`` patterns start from."""
        return os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()

    def rules(self) -> tuple[type[Rule], ...]:
        """The rules to run, in id order."""
        return tuple(r for r in DOCUMENTED
                     if (self.enable is None or r.id in self.enable) and r.id not in self.disable)


# --- discovery -----------------------------------------------------------------------


def find_config(paths: Sequence[str]) -> str | None:
    """The configuration file that applies to ``paths``, or None."""
    directory = _start_directory(paths)
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(directory, PYPROJECT)
        if os.path.isfile(candidate) and _has_cwlint_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if os.path.exists(os.path.join(directory, ".git")) or parent == directory:
            return None
        directory = parent


def _start_directory(paths: Sequence[str]) -> str:
    absolute = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    try:
        common = os.path.commonpath(absolute)
    except ValueError:  # paths on different drives
        common = os.getcwd()
    while not os.path.isdir(common):  # a file, or a path that does not exist
        parent = os.path.dirname(common)
        if parent == common:
            break
        common = parent
    return common


#: A ``[tool.cwlint]`` (or ``[tool.cwlint.x]``) header or a ``tool.cwlint.x = ...`` dotted
#: key at the start of a line; a comment that mentions the table does not count.
_CWLINT_TABLE = re.compile(r"^[ \t]*(?:\[[ \t]*tool[ \t]*\.[ \t]*cwlint[ \t]*[\].]"
                           r"|tool[ \t]*\.[ \t]*cwlint[ \t]*\.)", re.MULTILINE)


def _has_cwlint_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return False
    return _CWLINT_TABLE.search(text) is not None


# --- loading -------------------------------------------------------------------------


def load_config(path: str) -> Config:
    """Read and validate the configuration at ``path`` (YAML, or a TOML pyproject)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    if path.endswith(".toml"):
        data, where = _tool_table(_parse_toml(text, path), path), f"{path}: [tool.cwlint]"
    else:
        data, where = _parse_yaml(text, path), path
    return parse_config(data, path, where)


def _parse_yaml(text: str, path: str) -> Any:
    import yaml  # here: a run without a .cwlint.yaml does not load PyYAML

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{path}{line}: invalid YAML: {problem}") from None
    return {} if data is None else data


def _parse_toml(text: str, path: str) -> dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ModuleNotFoundError:
            raise ConfigError(f"{path}: reading [tool.cwlint] needs Python 3.11 or the "
                              "tomli package; or use .cwlint.yaml") from None
    try:
        return dict(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _tool_table(document: Mapping[str, Any], path: str) -> Any:
    tool = document.get("tool")
    if not isinstance(tool, Mapping) or "cwlint" not in tool:
        raise ConfigError(f"{path}: no [tool.cwlint] table")
    return tool["cwlint"]


# --- validation ----------------------------------------------------------------------


def parse_config(data: Any, path: str, where: str | None = None) -> Config:
    """Validate a decoded configuration mapping; ``where`` names it in errors."""
    where = where or path
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys")
    base = os.path.dirname(os.path.abspath(path))
    values: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("-", "_")
        parser = _PARSERS.get(key)
        if parser is None:
            known = ", ".join(sorted(_PARSERS))
            raise ConfigError(f"{where}: unknown key {raw_key!r} (known keys: {known})")
        values[key] = parser(_Field(where, str(raw_key), base), value)
    return Config(path=path, **values)


class _Field(msgspec.Struct, frozen=True):
    """Where a value comes from, for error messages, and the directory paths start from."""

    where: str
    key: str
    base: str

    def error(self, message: str, key: str | None = None) -> ConfigError:
        return ConfigError(f"{self.where}: {key or self.key}: {message}")

    def path(self, value: str) -> str:
        return os.path.normpath(os.path.join(self.base, os.path.expanduser(value)))


def _string(field: _Field, value: Any, key: str | None = None) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise field.error(f"expected a non-empty string, not {value!r}", key)


def _strings(field: _Field, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise field.error(f"expected a list of strings, not {value!r}")
    return tuple(_string(field, item, f"{field.key}[{i}]") for i, item in enumerate(items))


def _mapping(field: _Field, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise field.error(f"expected a mapping, not {value!r}")
    return value


def _rule_id(field: _Field, text: Any, key: str | None = None) -> str:
    """A rule's cwlint id from its cwlint, cfn-lint or checkov id."""
    rule = rule_named(_string(field, text, key))
    if rule is not None:
        return rule.id
    known = ", ".join(r.id for r in DOCUMENTED)
    raise field.error(f"no rule {text!r} (known rules: {known})", key)


def _rule_ids(field: _Field, value: Any) -> tuple[str, ...]:
    items = _strings(field, value)
    return tuple(dict.fromkeys(_rule_id(field, item, f"{field.key}[{i}]")
                               for i, item in enumerate(items)))


def _severity(field: _Field, value: Any) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for rule, severity in _mapping(field, value).items():
        key = f"{field.key}.{rule}"
        level = _string(field, severity, key).lower()
        if level not in SEVERITY_RANK:
            raise field.error(f"expected error, warning or info, not {severity!r}", key)
        found[_rule_id(field, rule, key)] = level
    return tuple(sorted(found.items()))


def _bool(field: _Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise field.error(f"expected true or false, not {value!r}")


def _namespaces(field: _Field, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for workload, namespaces in _mapping(field, value).items():
        key = f"{field.key}.{workload}"
        names = _strings(_Field(field.where, key, field.base), namespaces)
        found.append((_string(field, str(workload), key), names))
    return tuple(sorted(found))


def _account_id(field: _Field, value: Any) -> str:
    text = str(value).zfill(12) if isinstance(value, int) and not isinstance(value, bool) \
        else _string(field, value)
    if not (text.isdigit() and len(text) == 12):
        raise field.error(f"expected a 12-digit AWS account id, not {value!r}")
    return text


def _fail_on(field: _Field, value: Any) -> str:
    level = _string(field, value).lower()
    if level not in FAIL_ON:
        raise field.error(f"expected one of {', '.join(FAIL_ON)}, not {value!r}")
    return level


def _jobs(field: _Field, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise field.error(f"expected a positive number of worker processes, not {value!r}")


def _paths(field: _Field, value: Any) -> tuple[str, ...]:
    return tuple(field.path(p) for p in _strings(field, value))


def _boundaries(field: _Field, value: Any) -> tuple[tuple[str, str], ...]:
    found = []
    for name, document in _mapping(field, value).items():
        key = f"{field.key}.{name}"
        found.append((_string(field, str(name), key), field.path(_string(field, document, key))))
    return tuple(sorted(found))


_PARSERS: dict[str, Callable[[_Field, Any], Any]] = {
    "enable": _rule_ids,
    "disable": _rule_ids,
    "severity": _severity,
    "strict": _bool,
    "namespaces": _namespaces,
    "region": lambda field, value: _string(field, value),
    "account_id": _account_id,
    "exclude": _strings,
    "scps": _paths,
    "permissions_boundaries": _boundaries,
    "fail_on": _fail_on,
    "baseline": lambda field, value: field.path(_string(field, value)),
    "jobs": _jobs,
}
