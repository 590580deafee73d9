#!/usr/bin/env python3
"""Regenerate ``cwlint/data/sam_policy_templates.json.gz`` from aws-sam-translator.

SAM policy templates (``CloudWatchPutMetricPolicy: {}``, ``SSMParameterReadPolicy:
{ParameterName: x}``) expand into policy statements when SAM transforms a template.
cfn-lint >= 1.54 no longer applies the transform, so cwlint expands them itself from this
data. Run with aws-sam-translator installed (``pip install aws-sam-translator``).
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "cwlint" / "data" / (
    "sam_policy_templates.json.gz")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    import samtranslator  # a refresh-time dependency only

    source = Path(samtranslator.__file__).parent / "policy_templates_data" / (
        "policy_templates.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    templates = {
        name: {"definition": body["Definition"], "parameters": sorted(body.get("Parameters", {}))}
        for name, body in sorted(data["Templates"].items())
    }
    payload = {
        "generated_from": f"aws-sam-translator {samtranslator.__version__}",
        "templates": templates,
    }
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    args.output.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {len(templates)} templates to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
