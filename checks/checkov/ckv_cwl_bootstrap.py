"""Import cwlint for the CKV_CWL checks, and say so loudly when that fails.

checkov executes every file of an external checks directory once per framework runner,
each in its own worker process. The checks register only with the registry that is
loading (cwlint is not even imported by, say, the Kubernetes runner), so adding the
directory costs the other frameworks nothing.

checkov catches an exception raised while importing an external check, logs it and goes
on without the check, so a missing cwlint would silently mean "no findings". Instead,
this module prints one banner on stderr naming checkov's Python, the error, and the fix;
``cwlint plugin-path checkov --verify`` fails in the same situation.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

#: Report types of the checkov registries cwlint has checks for (the "terraform" registry
#: serves checkov's terraform and terraform_plan frameworks).
SUPPORTED_REPORT_TYPES = frozenset({"cloudformation", "terraform"})

BANNER = """
==================== cwlint: CKV_CWL checks NOT loaded ====================
checkov could not import cwlint, so none of the CKV_CWL_* checks will run.
  python: {python}
  error:  {error}
Install cwlint into the environment that runs checkov, for example:
  {python} -m pip install cwlint
then check with:  {python} -m cwlint plugin-path checkov --verify
===========================================================================
"""

_FLAG = "_cwlint_checkov_banner_shown"
_MAX_FRAMES = 24


def loading_report_type() -> str | None:
    """The check type of the checkov registry executing the check files (None: unknown)."""
    frame = sys._getframe(1)
    for _ in range(_MAX_FRAMES):
        if frame is None:
            break
        registry = frame.f_locals.get("self")
        if hasattr(registry, "load_external_checks") and hasattr(registry, "report_type"):
            report_type = registry.report_type
            return str(getattr(report_type, "value", report_type))
        frame = frame.f_back
    return None


def _first_report() -> bool:
    """True the first time in this checkov run (checkov executes this file once per
    framework runner, in several worker processes)."""
    if getattr(sys, _FLAG, False):
        return False
    setattr(sys, _FLAG, True)
    try:  # one marker per checkov run: the main process's id and start time
        import multiprocessing

        parent = multiprocessing.parent_process()
        main_pid = parent.pid if parent is not None and parent.pid else os.getpid()
        started = os.stat(f"/proc/{main_pid}").st_ctime_ns
    except Exception:  # no /proc: say it once per process
        return True
    marker = os.path.join(tempfile.gettempdir(), f"cwlint-checkov-{main_pid}-{started}")
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    except OSError:
        return True
    return True


def _checks_module() -> Any:
    try:
        from cwlint.plugins import checkov_checks
    except Exception as exc:  # ImportError, or an environment too broken to import it
        if _first_report():
            sys.stderr.write(BANNER.format(python=sys.executable,
                                           error=f"{type(exc).__name__}: {exc}"))
            sys.stderr.flush()
        return None
    return checkov_checks


def register_group(group: str) -> None:
    """Register the checks of every cwlint rule of a group ("0" for CWL001-CWL009) with
    the registry that is loading this directory."""
    report_type = loading_report_type()
    if report_type is not None and report_type not in SUPPORTED_REPORT_TYPES:
        return
    module = _checks_module()
    if module is not None:
        module.register_group(group, report_type)
