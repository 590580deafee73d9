"""``cwlint plugin-path cfn-lint|checkov [--verify]``: where the host-tool plugins are.

Prints the absolute directory to pass to ``cfn-lint --append-rules=DIR`` or
``checkov --external-checks-dir DIR``, from a source checkout or an installed wheel
alike. ``--verify`` also runs the real tool on a probe template and exits 1 unless the
tool reported cwlint's finding (the path still goes to stdout, the verdict to stderr).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cwlint.errors import UsageError
from cwlint.plugins.paths import TOOLS, PluginPathError, checks_dir

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plugin-path", help="print the cfn-lint / checkov plugin directory",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tool", choices=sorted(TOOLS))
    parser.add_argument("--verify", action="store_true",
                        help="run the tool on a probe template and fail unless it loads "
                        "the cwlint plugins")
    parser.add_argument("--tool", dest="executable", metavar="PATH",
                        help="the tool executable to verify (default: the one installed "
                        "beside this Python, else the first on PATH)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        directory = checks_dir(args.tool)
    except PluginPathError as exc:
        raise UsageError(str(exc)) from None
    print(directory)
    if not args.verify:
        return EXIT_OK
    from cwlint.plugins.verify import verify  # only --verify needs subprocess machinery

    result = verify(args.tool, directory, args.executable)
    print(("ok: " if result.ok else "FAILED: ") + result.message, file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED
