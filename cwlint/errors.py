"""Errors that end a command with a one-line message and exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad arguments or an input that cannot be read; the message names the file."""
