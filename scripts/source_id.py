"""Print an id of this copy of cwlint: its version and a digest of what it installs.

The GitHub Action keys its cached virtual environment on it (with the Python version),
so a new version or any change to the sources installs cwlint afresh. Standard library
only: it runs before cwlint is installed.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

INSTALLED = ("pyproject.toml", "setup.py", "cwlint", "checks")


def source_id(root: Path) -> str:
    digest = hashlib.sha256()
    for top in INSTALLED:
        path = root / top
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix != ".pyc" and "__pycache__" not in file.parts:
                digest.update(file.relative_to(root).as_posix().encode() + b"\0")
                digest.update(file.read_bytes() + b"\0")
    init = (root / "cwlint" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', init, re.MULTILINE)
    version = match.group(1) if match else "unknown"
    return f"{version}-{digest.hexdigest()[:16]}"


if __name__ == "__main__":
    print(source_id(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
