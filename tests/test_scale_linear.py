"""A scan's work grows linearly with the number of resources: no lookup over every
resource hides in a front end, the model builder or a rule.

The work is counted as the Python lines the scan executes (``sys.settrace``), not timed:
the count does not depend on the machine or its load, so the test can fail only on the
code. Inputs come from ``scripts/gen_scale.py`` (the stack the scale benchmarks use,
deliberate mistakes included, so the rules' reporting paths run too), as a CloudFormation
template, a Terraform plan and a Terraform module, at N and 4N resources.

Measured when this test was written, lines per resource at 150 / 600 / 2,400 resources:
CloudFormation 3,366 / 3,281 / 3,335; plan 1,656 / 1,717 / 1,773; module 2,221 / 2,294 /
2,348. So 4N costs 3.9-4.15 times N. One lookup that walks every resource for each
resource would cost, at 600 resources, 180,000 more steps of a loop: several times the
whole scan. Work done in C (``x in some_list``) is not counted: this guards the Python
code.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from cwlint.engine import scan

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_scale.py"
SMALL, LARGE = 150, 600
#: 4N may cost at most this many times N (linear is 4; constant costs make it less)
LIMIT = 4.6
KINDS = {"cfn": ".yaml", "plan": ".json", "hcl": ""}


def generate(kind: str, count: int, directory: Path) -> Path:
    out = directory / f"{kind}-{count}{KINDS[kind]}"
    subprocess.run([sys.executable, str(GENERATOR), str(count), str(out), "--kind", kind],
                   check=True, timeout=300)
    return out


def lines_executed(path: Path) -> int:
    """The Python lines one in-process scan of ``path`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        return local

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = scan([str(path)])
    finally:
        sys.settrace(previous)
    assert not result.errors, result.errors
    assert result.findings  # the mistakes were found: the rules' reporting paths ran
    return count


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_work_grows_linearly_with_the_resources(kind: str, tmp_path: Path) -> None:
    # a first scan of a small input of the same kind does the one-time work (imports,
    # data loaded on first use) that would otherwise count against the smaller input
    scan([str(generate(kind, 12, tmp_path))])
    small = lines_executed(generate(kind, SMALL, tmp_path))
    large = lines_executed(generate(kind, LARGE, tmp_path))
    assert small > SMALL * 1000  # the count saw the scan
    assert large / small <= LIMIT, (
        f"{kind}: {LARGE} resources executed {large:,} lines, {large / small:.2f} times "
        f"the {small:,} of {SMALL}: more than linear")
