"""Severities of findings, and the thresholds of ``--fail-on`` (``never``: no finding
fails the run). Its own module so that building the command line imports no rule."""

from __future__ import annotations

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}
FAIL_ON = (ERROR, WARNING, INFO, "never")
