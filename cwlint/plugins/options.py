"""What ``cwlint scan`` would do with one template, for the plugins.

``cwlint scan`` reads the configuration file found from the scanned paths upward
(``.cwlint.yaml``, or ``[tool.cwlint]`` in ``pyproject.toml``, see :mod:`cwlint.config`):
enabled rules, severities, strict mode, declared namespaces, SCPs, boundaries, region,
excluded paths. A plugin sees one template at a time, so it looks the file up from the
template's own directory, which is what ``cwlint scan <that template>`` does. Lookups are
cached per directory and per configuration file version, so a host scanning a thousand
templates of one repository reads the configuration once.

After the engine, :func:`settle` applies what ``cwlint scan`` applies to one input:
configured severities and inline suppressions (``Metadata: {cwlint: {ignore: ...}}``,
cfn-lint's ``ignore_checks`` metadata, and, when the template's text is at hand,
``# checkov:skip=`` comments).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Hashable, Iterable
from functools import lru_cache

import msgspec

from cwlint.engine import ScanOptions, apply_severity
from cwlint.findings import Finding

#: The configuration file of each directory (None: no file), for the last directories.
_CACHE_SIZE = 1024


class PluginOptions(msgspec.Struct, frozen=True):
    """The options for one template, and a hashable key that identifies them."""

    options: ScanOptions
    key: Hashable

    def excludes(self, path: str) -> bool:
        """Whether the configuration's ``exclude`` leaves ``path`` out of the scan."""
        exclude = self.options.exclude
        return exclude is not None and exclude.excluded(path)


@lru_cache(maxsize=_CACHE_SIZE)
def _config_file(directory: str) -> str | None:
    from cwlint.config import find_config

    return find_config([directory])


class _NoArguments(argparse.Namespace):
    """``cwlint scan``'s parsed arguments when none were given: every option not set here
    is None (the command's default, so the configuration file decides)."""

    def __getattr__(self, name: str) -> None:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


@lru_cache(maxsize=64)
def _options(config_path: str | None, stamp: int | None, region: str | None) -> ScanOptions:
    from cwlint.config import Config, load_config
    from cwlint.scan_options import scan_options

    config = load_config(config_path) if config_path else Config()
    arguments = _NoArguments(region=region, account_id=None, skip_unrecognized=False)
    return scan_options(config, arguments)


def options_for(path: str, region: str | None = None) -> PluginOptions:
    """The scan options ``cwlint scan`` would use for the template at ``path``.

    ``region`` is the host's explicit region (it wins over the configuration, as
    ``--region`` does). Raises :class:`cwlint.errors.UsageError` for an invalid
    configuration file, as ``cwlint scan`` exits 2 on one.
    """
    directory = os.path.dirname(os.path.abspath(path))
    config_path = _config_file(directory)
    stamp: int | None = None
    if config_path is not None:
        try:
            stamp = os.stat(config_path).st_mtime_ns
        except OSError:
            stamp = None
    return PluginOptions(_options(config_path, stamp, region), (config_path, stamp, region))


class Settled(msgspec.Struct, frozen=True):
    """Findings after severities and suppressions: ``kept`` are reported, ``suppressed``
    were silenced inline (checkov must not call those PASSED)."""

    kept: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]


def settle(findings: Iterable[Finding], options: ScanOptions, loaded: object,
           text: str) -> Settled:
    """Apply configured severities and inline suppressions, as ``cwlint scan`` does."""
    from cwlint.suppressions import cfn_suppressions

    adjusted = apply_severity(list(findings), options.severity)
    index, _notices = cfn_suppressions(loaded, text)  # type: ignore[arg-type]
    kept, suppressed = index.apply(adjusted)
    return Settled(tuple(kept), tuple(s.finding for s in suppressed))


def clear_caches() -> None:
    """Forget configuration lookups (tests change files between runs)."""
    _config_file.cache_clear()
    _options.cache_clear()
