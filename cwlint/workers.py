"""How many worker processes ``cwlint scan`` starts for its inputs (``--jobs``).

Deciding costs a few ``stat`` calls; the workers themselves are :mod:`cwlint.parallel`,
which loads :mod:`multiprocessing` and :mod:`concurrent.futures` and is imported only when
a scan does start them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cwlint.frontend.protocol import Input

#: Automatic mode (``jobs=None``) starts workers only for at least this many inputs ...
AUTO_MIN_INPUTS = 8
#: ... holding at least this many bytes together. Starting the workers costs the fork
#: server's import of cwlint (0.1 to 0.2 s since commit 2ab7e2e) and one process scans
#: ~2-3 MB of templates a second. Measured on 2 idle cores over corpus templates (wall time,
#: median of 3 alternating runs, --jobs 1 against --jobs 2): 1 MB 0.71 s against 0.79 s,
#: 2 MB 1.01 s against 0.96 s (the break-even), 2.5 MB 1.14 s against 0.96 s, 3 MB 1.38 s
#: against 1.17 s, 4 MB 2.39 s against 1.75 s. (It was 6 MB when starting cost 0.7 s.)
AUTO_MIN_BYTES = 3_000_000


def cpu_count() -> int:
    """The CPUs this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def worker_count(inputs: Sequence[Input], jobs: int | None) -> int:
    """How many worker processes to start for ``inputs``; 1 means none (scan here)."""
    if len(inputs) < 2:
        return 1
    if jobs is None:
        if len(inputs) < AUTO_MIN_INPUTS or total_size(inputs) < AUTO_MIN_BYTES:
            return 1
        jobs = cpu_count()
    return max(1, min(jobs, len(inputs)))


def input_size(item: Input) -> int:
    """Bytes on disk of a file, or of the files directly inside a directory (a Terraform
    module); 0 when it cannot be read (the scan reports that)."""
    try:
        if not os.path.isdir(item.path):
            return os.path.getsize(item.path)
        with os.scandir(item.path) as entries:
            return sum(e.stat().st_size for e in entries if e.is_file())
    except OSError:
        return 0


def total_size(inputs: Sequence[Input]) -> int:
    """Bytes on disk of all ``inputs``, stopping once :data:`AUTO_MIN_BYTES` is reached."""
    total = 0
    for item in inputs:
        total += input_size(item)
        if total >= AUTO_MIN_BYTES:
            break
    return total
