#!/usr/bin/env python3
"""Regenerate ``cwlint/data/cloudwatch_metrics.json.gz``: the metric names AWS services
publish, per ``AWS/`` namespace, for CWL043.

The source is the npm package ``@aws-cdk/aws-service-spec`` (Apache-2.0), the AWS CDK's
machine-readable specification of AWS resources: its ``db.json.gz`` holds, in
``schema.metric.entities``, one record per CloudWatch metric with its ``namespace`` and
``name``. Only names are kept (no statistic, no text). The script runs ``npm pack``
in a temporary directory (npm must reach its registry), or reads a tarball or
``db.json.gz`` given with ``--source``.

The catalogue is not complete inside a namespace (newer metrics may be missing), so
CWL043 treats it as a list of known names: a name missing from it is reported as a
warning only when it is a near miss of a catalogued one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

PACKAGE = "@aws-cdk/aws-service-spec"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "cwlint" / "data" / (
    "cloudwatch_metrics.json.gz")


def read_database(source: Path | None, workdir: Path) -> tuple[dict, str]:
    """The decoded db.json.gz and the package version it came from."""
    if source is None:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                       capture_output=True)
        source = next(workdir.glob("*.tgz"))
    if source.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(source) as archive:
            manifest = json.load(archive.extractfile("package/package.json"))  # type: ignore[arg-type]
            raw = archive.extractfile("package/db.json.gz").read()  # type: ignore[union-attr]
        return json.loads(gzip.decompress(raw)), f"{PACKAGE} {manifest['version']}"
    return json.loads(gzip.decompress(source.read_bytes())), str(source.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="a packed tarball or db.json.gz")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        database, origin = read_database(args.source, Path(workdir))
    names: dict[str, set[str]] = defaultdict(set)
    for metric in database["schema"]["metric"]["entities"]:
        namespace, name = metric.get("namespace"), metric.get("name")
        if isinstance(namespace, str) and namespace.startswith("AWS/") and isinstance(name, str):
            names[namespace].add(name)
    payload = {"generated_from": origin,
               "namespaces": {ns: sorted(found) for ns, found in sorted(names.items())}}
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    args.output.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {sum(map(len, names.values()))} metric names in {len(names)} namespaces "
          f"to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
