#!/usr/bin/env python
"""Regenerate ``cwlint/data/aws_managed_policies.pack``, the AWS managed policy documents.

cwlint never calls AWS at lint time: the documents of the AWS managed policies ship with
the package, and this script refreshes them. Two sources:

* default: moto's copy (``moto/iam/aws_managed_policies.py``). moto is a development
  dependency only; cwlint itself never imports it.
* ``--live``: the IAM API of the account the credentials belong to
  (``ListPolicies(Scope=AWS)``, then ``GetPolicyVersion`` of each default version).
  ``--endpoint-url``, ``--region`` and ``--profile`` are honoured, so the same path runs
  against a moto server (started with ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``).

The output is a policy pack (``cwlint.iam.managed.pack_policies``): an index of the
policies (name, path, default version) and each document compressed on its own, so that
cwlint reads the index and decompresses a document only when a template attaches the
policy.

Usage::

    python scripts/refresh_managed_policies.py
    python scripts/refresh_managed_policies.py --live --profile audit
    python scripts/refresh_managed_policies.py --live --endpoint-url http://127.0.0.1:5000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = (
    Path(__file__).resolve().parents[1] / "cwlint" / "data" / "aws_managed_policies.pack"
)

Policies = dict[str, dict[str, Any]]


def policies_from_moto() -> tuple[Policies, str]:
    """Read the managed policies bundled with the installed moto."""
    import moto
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    raw: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)
    policies = {
        name: {
            "path": item["Path"],
            "version": item["DefaultVersionId"],
            "document": item["Document"],
        }
        for name, item in raw.items()
    }
    newest = max((item.get("UpdateDate", "") for item in raw.values()), default="")[:10]
    source = f"moto {moto.__version__} (moto/iam/aws_managed_policies.py"
    source += f", newest policy update {newest})" if newest else ")"
    return policies, source


def _decode_document(document: Any) -> dict[str, Any]:
    """botocore normally hands back a parsed document; accept the raw URL-encoded form too."""
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document


def policies_from_account(
    endpoint_url: str | None, region: str | None, profile: str | None, workers: int
) -> tuple[Policies, str]:
    """Fetch every AWS managed policy's default version through the IAM API."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile, region_name=region or "us-east-1")
    iam = session.client(
        "iam",
        endpoint_url=endpoint_url,
        config=Config(retries={"mode": "adaptive", "max_attempts": 10}),
    )
    listed: list[dict[str, Any]] = []
    for page in iam.get_paginator("list_policies").paginate(Scope="AWS"):
        listed.extend(page["Policies"])

    def fetch(policy: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        version = iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        return policy["PolicyName"], {
            "path": policy["Path"],
            "version": policy["DefaultVersionId"],
            "document": _decode_document(version["Document"]),
        }

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        policies = dict(pool.map(fetch, listed))
    where = endpoint_url or f"IAM via profile {profile or 'default'}"
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    return policies, f"IAM ListPolicies(Scope=AWS) at {where} on {today}"


def write_payload(policies: Policies, generated_from: str, output: Path) -> int:
    """Write the policy pack (sorted, compact, reproducible); return its size in bytes."""
    from cwlint.iam.managed import pack_policies

    data = pack_policies(policies, generated_from)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return len(data)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--live", action="store_true", help="fetch from the IAM API instead of moto"
    )
    parser.add_argument("--endpoint-url", help="IAM endpoint (with --live), e.g. a moto server")
    parser.add_argument("--region", help="AWS region for the client (with --live)")
    parser.add_argument("--profile", help="AWS credentials profile (with --live)")
    parser.add_argument(
        "--workers", type=int, default=8, help="parallel GetPolicyVersion calls (default 8)"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default {DEFAULT_OUTPUT}"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the managed policies file; exit status 1 when no policy was found."""
    args = parse_args(argv)
    if args.live:
        policies, source = policies_from_account(
            args.endpoint_url, args.region, args.profile, args.workers
        )
    else:
        policies, source = policies_from_moto()
    if not policies:
        print(
            "error: no AWS managed policies found (a moto server needs "
            "MOTO_IAM_LOAD_MANAGED_POLICIES=true)",
            file=sys.stderr,
        )
        return 1
    size = write_payload(policies, source, args.output)
    print(f"wrote {len(policies)} policies from {source} to {args.output} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
