"""Reading a Terraform input's files: the error an unreadable one gives, and a read with
a size limit. Both front ends share them (a module directory, :mod:`cwlint.terraform.modules`,
and a plan, :mod:`cwlint.terraform.plan`), so reading a plan loads nothing of the HCL reader.
"""

from __future__ import annotations

#: The largest ``.tf`` or ``.tf.json`` file read (a plan has its own limit).
MAX_CONFIGURATION_BYTES = 20 * 1024 * 1024


class TerraformError(Exception):
    """A configuration that cannot be read: ``path`` is the file, ``line`` 1-based."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


def read_bytes(path: str, limit: int, what: str) -> bytes:
    """A file's bytes, or a :class:`TerraformError` when it cannot be read or is larger
    than ``limit`` (``what`` names it in that message: "the file", "the plan")."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise TerraformError(path, None, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise TerraformError(path, None, f"{what} is larger than {limit // (1024 * 1024)} MB")
    return data
