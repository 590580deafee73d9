"""The engine's options for a scan, from the configuration file and the command line.

``cwlint scan`` and the plugins (which read the configuration a scan of the same file
would) both build their :class:`~cwlint.engine.ScanOptions` here; this module imports
nothing of the command's reporting, so a plugin does not load the report writers.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cwlint.config import Config
    from cwlint.engine import ScanOptions

DEFAULT_REGION, DEFAULT_ACCOUNT = "us-east-1", "123456789012"


def scan_options(config: Config, args: argparse.Namespace) -> ScanOptions:
    """The engine's options: the command line wins over the configuration."""
    # imported here: the command line's options (the defaults above) import no engine
    from cwlint.engine import ScanOptions
    from cwlint.external_policies import load_boundaries, load_scps
    from cwlint.pathfilter import PathFilter

    boundaries = load_boundaries(config)
    return ScanOptions(
        region=args.region or config.region or DEFAULT_REGION,
        account_id=args.account_id or config.account_id or DEFAULT_ACCOUNT,
        strict=config.strict,
        rules=config.rules(),
        severity=config.severity,
        namespaces=config.namespaces,
        namespace_source=f"configuration {config.path}",
        scps=load_scps(config),
        boundaries=boundaries.attached if boundaries.documents else None,
        exclude=PathFilter(config.base_dir, config.exclude,
                           f"{shown_path(config.path)}" if config.path else "the configuration")
        if config.exclude else None,
        skip_unrecognized=args.skip_unrecognized,
        jobs=args.jobs or config.jobs,
    )


def shown_path(path: str) -> str:
    """A path for messages: relative to the working directory when below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
