#!/usr/bin/env python3
"""Terraform as the oracle of cwlint's HCL evaluator: compare the values cwlint computes
for a module with the ``planned_values`` of Terraform's own plan of it.

Usage::

    .venv/bin/python scripts/terraform_oracle.py [--sample N] [--seed S] [--show N]
        [--corpus ../shared/corpus/tf] [--plugin-dir /opt/tf-plugins]

Picks module directories of the Terraform corpus (a directory holding ``.tf`` files with
at least one ``resource`` block), plans each with real Terraform offline into a temporary
directory (``scripts/terraform_plans.py``: the AWS provider from the filesystem mirror,
dummy keys, a moto server on 127.0.0.1 for the data sources that call AWS; nothing of the
corpus is copied into the project), evaluates the same directory with cwlint
(:func:`cwlint.terraform.modules.read_configuration`'s machinery) and compares, value by
value, wherever both know the value:

* the instances of every resource and data block: ``count`` and ``for_each`` keys, module
  instance keys, as addresses;
* each argument the configuration sets, nested blocks included (sets compared without
  order; numbers, bools and strings as Terraform converts them to the schema's type; JSON
  text such as policies compared as the documents they encode);
* attributes Terraform knows that the configuration does not set and cwlint writes itself
  (``arn`` of an existing resource, ``json`` of ``data.aws_iam_policy_document``, the
  region and caller identity data sources);
* the root module's outputs.

A value Terraform marks unknown (``after_unknown``), or cwlint leaves unknown, is not
compared (the second is counted: values cwlint could not know). Prints the counts: modules
tried, planned, values compared, differences, and each difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cwlint.terraform.attributes import Environment
from cwlint.terraform.modules import (
    META_ARGUMENTS,
    Instance,
    ModuleInstance,
    TerraformError,
    _Session,
    _tfvars,
    installed_modules,
    load_module,
)
from cwlint.values import Partial, Unknown

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import terraform_plans  # noqa: E402

#: What moto answers and the provider block of ``terraform_plans`` sets.
ENVIRONMENT = Environment(region="us-east-1", account_id="123456789012", partition="aws")


@dataclass
class Difference:
    module: str
    address: str
    path: str
    cwlint: Any
    terraform: Any

    def __str__(self) -> str:
        return (f"{self.module}: {self.address}{'.' + self.path if self.path else ''}: "
                f"cwlint {_short(self.cwlint)} != terraform {_short(self.terraform)}")


@dataclass
class Comparison:
    """The outcome for one module (or the sum over many)."""

    compared: int = 0  # values both know, compared
    cwlint_unknown: int = 0  # values Terraform knows and cwlint left unknown
    differences: list[Difference] = field(default_factory=list)

    def add(self, other: Comparison) -> None:
        self.compared += other.compared
        self.cwlint_unknown += other.cwlint_unknown
        self.differences.extend(other.differences)


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, sort_keys=True) if not isinstance(
        value, (Unknown, Partial)) else str(value)
    return text if len(text) < 300 else text[:297] + "..."


# --- the plan's side -------------------------------------------------------------------------

@dataclass
class PlannedResource:
    values: Mapping[str, Any]
    unknown: Any  # after_unknown: True, or a structure of markers like values


def planned_resources(plan: Mapping[str, Any]) -> dict[str, PlannedResource]:
    """Address -> the values the plan gives after apply, and what it marks unknown.
    Data sources read while planning come from ``prior_state`` (all known)."""
    changes = {c["address"]: c.get("change", {}) for c in plan.get("resource_changes", [])}
    found: dict[str, PlannedResource] = {}
    for module in _modules(plan.get("prior_state", {}).get("values", {}).get("root_module")):
        for raw in module.get("resources", []):
            if raw.get("mode") == "data":
                found[raw["address"]] = PlannedResource(raw.get("values") or {}, {})
    for module in _modules(plan.get("planned_values", {}).get("root_module")):
        for raw in module.get("resources", []):
            if raw["address"] in found:
                continue
            change = changes.get(raw["address"], {})
            if change.get("actions") == ["delete"]:
                continue
            found[raw["address"]] = PlannedResource(raw.get("values") or {},
                                                    change.get("after_unknown") or {})
    return found


def _modules(module: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(module, Mapping):
        yield module
        for child in module.get("child_modules", []):
            yield from _modules(child)


# --- cwlint's side ---------------------------------------------------------------------------

def evaluated_module(directory: str, variables: Mapping[str, Any] | None = None
                     ) -> ModuleInstance:
    """The root module instance cwlint evaluates ``directory`` as (what
    ``read_configuration`` walks); ``variables`` are values given on the command line
    (``-var``), as a plan records them, over ``terraform.tfvars``."""
    session = _Session(ENVIRONMENT, installed_modules(directory))
    config = session.config(directory)
    return ModuleInstance(session, config, "", None, {**_tfvars(directory), **(variables or {})})


def evaluated_instances(root: ModuleInstance) -> Iterator[Instance]:
    for module in root.walk():
        for mode, rtype, name in module.config.resources:
            instances = module.instances(mode, rtype, name)
            if isinstance(instances, list):
                yield from instances


# --- comparing -------------------------------------------------------------------------------

def is_known(value: Any) -> bool:
    if isinstance(value, (Unknown, Partial)):
        return False
    if isinstance(value, Mapping):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def _scalar(value: Any) -> Any:
    """A primitive as Terraform's type conversion sees it: its string form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if re.fullmatch(r"-?[0-9]+\.0+", value):
            return value.split(".")[0]
        return value
    return value


def _json_of(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


class Comparer:
    def __init__(self, module: str) -> None:
        self.module = module
        self.result = Comparison()

    def value(self, address: str, path: str, mine: Any, theirs: Any, unknown: Any) -> None:
        if unknown is True:
            return
        if isinstance(mine, (Unknown, Partial)) or (
                isinstance(mine, list) and not all(is_known(m) for m in mine
                                                   if not isinstance(m, Mapping))):
            if theirs is not None:
                self.result.cwlint_unknown += 1
            return
        if mine is None:  # not set: Terraform may fill in the provider's default
            return
        if isinstance(mine, list) and isinstance(theirs, Mapping) and len(mine) == 1:
            mine = mine[0]  # a nested block Terraform holds as a single object
        if isinstance(mine, Mapping) and isinstance(theirs, list) and len(theirs) == 1 \
                and isinstance(theirs[0], Mapping):
            theirs = theirs[0]  # a block written as a JSON object in .tf.json (no schema)
            unknown = unknown[0] if isinstance(unknown, list) and unknown else None
        if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            markers = unknown if isinstance(unknown, Mapping) else {}
            for key, item in mine.items():
                self.value(address, f"{path}.{key}" if path else key, item, theirs.get(key),
                           markers.get(key))
            return
        if isinstance(mine, list) and isinstance(theirs, list):
            self._list(address, path, mine, theirs, unknown)
            return
        mine_json, theirs_json = _json_of(mine), _json_of(theirs)
        if mine_json is not None and theirs_json is not None:
            self._count(address, path, _canonical(mine_json) == _canonical(theirs_json),
                        mine_json, theirs_json)
            return
        if isinstance(mine, (Mapping, list)) or isinstance(theirs, (Mapping, list)):
            if theirs is None and mine in ([], {}):
                self.result.compared += 1
                return
            self._count(address, path, False, mine, theirs)
            return
        self._count(address, path, _scalar(mine) == _scalar(theirs), mine, theirs)

    def _list(self, address: str, path: str, mine: list[Any], theirs: list[Any],
              unknown: Any) -> None:
        markers = unknown if isinstance(unknown, list) else []
        if any(m is True for m in markers):
            return  # a set with unknown members: Terraform's order and count are not final
        if len(mine) != len(theirs):
            self._count(address, path, False, mine, theirs)
            return
        trial = Comparer(self.module)
        for index, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            trial.value(address, f"{path}[{index}]", a, b,
                        markers[index] if index < len(markers) else None)
        if trial.result.differences and not markers:
            matched = self._unordered(address, path, mine, theirs)
            if matched is not None:
                self.result.add(matched)
                return
        self.result.add(trial.result)

    def _unordered(self, address: str, path: str, mine: list[Any],
                   theirs: list[Any]) -> Comparison | None:
        """A set: each of mine matched with one of theirs that agrees."""
        left = list(range(len(theirs)))
        total = Comparison()
        for index, item in enumerate(mine):
            for candidate in left:
                trial = Comparer(self.module)
                trial.value(address, f"{path}[{index}]", item, theirs[candidate], None)
                if not trial.result.differences:
                    total.add(trial.result)
                    left.remove(candidate)
                    break
            else:
                return None
        return total

    def _count(self, address: str, path: str, equal: bool, mine: Any, theirs: Any) -> None:
        self.result.compared += 1
        if not equal:
            self.result.differences.append(Difference(self.module, address, path, mine, theirs))


def _canonical(value: Any) -> Any:
    """JSON as a comparable structure: policy elements given as one string or a list of
    one are the same to IAM, but not to Terraform; only key order and layout are ignored."""
    return json.dumps(value, sort_keys=True)


def compare_module(directory: str, plan: Mapping[str, Any], name: str | None = None
                   ) -> Comparison:
    """Every value cwlint computes for ``directory`` against Terraform's ``plan`` of it."""
    comparer = Comparer(name or directory)
    planned = planned_resources(plan)
    given = {name: entry["value"] for name, entry in plan.get("variables", {}).items()
             if isinstance(entry, Mapping) and "value" in entry
             and name not in _declared_defaults(directory)}
    root = evaluated_module(directory, given)
    mine: dict[str, Instance] = {}
    groups: dict[tuple[str, str], list[Instance]] = {}
    for instance in evaluated_instances(root):
        mine[instance.address] = instance
        local = f"data.{instance.type}.{instance.name}" if instance.mode == "data" else \
            f"{instance.type}.{instance.name}"
        groups.setdefault((_module_path(instance.module.address), local), []).append(instance)
    _compare_instances(comparer, groups, planned,
                       {_module_path(m.address) for m in root.walk()})
    for address, instance in mine.items():
        target = planned.get(address)
        if target is None:
            continue
        resource = instance.resource()
        for key in sorted(resource.body):
            if key in META_ARGUMENTS:
                continue
            comparer.value(address, key, _provider_normalized(
                instance.type, key, _as_stored(instance.type, key, resource.body[key])),
                _provider_normalized(instance.type, key, target.values.get(key)),
                _marker(target.unknown, key))
        for key, theirs in sorted(target.values.items()):
            if key in resource.body or theirs in (None, "", [], {}) or \
                    _marker(target.unknown, key) is True:
                continue
            computed = instance.get_attribute(key)
            if is_known(computed):
                comparer.value(address, key, computed, theirs, None)
    outputs = plan.get("planned_values", {}).get("outputs", {})
    unknown_outputs = {k: v.get("after_unknown") for k, v in
                       plan.get("output_changes", {}).items()}
    for name_ in sorted(root.config.outputs):
        output = outputs.get(name_)
        if not isinstance(output, Mapping) or "value" not in output or output.get("sensitive"):
            continue
        comparer.value("output", name_, root.output(name_), output["value"],
                       unknown_outputs.get(name_))
    return comparer.result


#: Arguments the AWS provider stores as the SHA-1 of the configured text (its StateFunc).
_HASHED = {("aws_instance", "user_data"), ("aws_launch_configuration", "user_data")}


def _as_stored(rtype: str, key: str, value: Any) -> Any:
    if (rtype, key) in _HASHED and isinstance(value, str):
        return hashlib.sha1(value.encode("utf-8")).hexdigest()  # the provider's hash
    return value


def _provider_normalized(rtype: str, key: str, value: Any) -> Any:
    """What the provider's normalization changes that the meaning does not:
    ``container_definitions`` are kept sorted by container name (ECS ignores their order)."""
    if (rtype, key) == ("aws_ecs_task_definition", "container_definitions"):
        document = _json_of(value)
        if isinstance(document, list) and all(isinstance(c, Mapping) for c in document):
            return json.dumps(sorted(document, key=lambda c: str(c.get("name"))))
    return value


def _declared_defaults(directory: str) -> set[str]:
    """Variables with a default: a plan records their value too, given or not, and a
    value cwlint takes from the default must be checked, not handed over."""
    root = evaluated_module(directory)
    return {name for name, declared in root.config.variables.items()
            if "default" in declared.block.body.attributes}


def _marker(unknown: Any, key: str) -> Any:
    if unknown is True:
        return True
    return unknown.get(key) if isinstance(unknown, Mapping) else None


_KEY = re.compile(r'\[[^\]]*\]')


def _module_path(address: str) -> str:
    return _KEY.sub("", address)


def _compare_instances(comparer: Comparer, groups: dict[tuple[str, str], list[Instance]],
                       planned: Mapping[str, PlannedResource], walked: set[str]) -> None:
    """The instance addresses of each block: count and for_each keys, module keys."""
    theirs: dict[tuple[str, str], set[str]] = {}
    for address in planned:
        module, local = _split(address)
        theirs.setdefault((_module_path(module), _KEY.sub("", local)), set()).add(address)
    for key in sorted(set(theirs) - set(groups)):
        if key[0] in walked:  # Terraform has instances where cwlint counted none
            comparer._count(f"{key[0]}.{key[1]}" if key[0] else key[1], "(instances)",
                            False, [], sorted(theirs[key]))
        else:  # a module instance cwlint could not expand
            comparer.result.cwlint_unknown += 1
    for key, instances in sorted(groups.items()):
        attributes = instances[0].body.attributes
        if any(i.key is None for i in instances) and (
                "count" in attributes or "for_each" in attributes):
            comparer.result.cwlint_unknown += 1  # cwlint could not expand count/for_each
            continue
        addresses = {i.address for i in instances}
        comparer._count(f"{key[0]}.{key[1]}" if key[0] else key[1], "(instances)",
                        addresses == theirs.get(key, set()), sorted(addresses),
                        sorted(theirs.get(key, set())))


def _split(address: str) -> tuple[str, str]:
    """``module.a["k"].aws_x.y[0]`` -> (``module.a["k"]``, ``aws_x.y[0]``)."""
    parts = _parts(address)
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        index += 2
    return ".".join(parts[:index]), ".".join(parts[index:])


def _parts(address: str) -> list[str]:
    out: list[str] = []
    depth, current, quoted = 0, "", False
    for char in address:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
        elif not quoted and depth == 0 and char == ".":
            out.append(current)
            current = ""
            continue
        current += char
    out.append(current)
    return out


# --- the corpus sample -----------------------------------------------------------------------

def candidate_modules(corpus: Path) -> list[Path]:
    """Module directories of the corpus with AWS resources and nothing that needs another
    provider than AWS (only ``aws_*`` and ``terraform_data`` blocks), no backend, and
    only local or no module calls; read with cwlint's own loader."""
    found = []
    for directory in sorted({p.parent for p in corpus.rglob("*.tf")}):
        if any(part.startswith(".") for part in directory.relative_to(corpus).parts):
            continue
        try:
            config = load_module(str(directory))
        except (TerraformError, OSError, RecursionError):
            continue
        types = {rtype for _mode, rtype, _name in config.resources}
        if not any(t.startswith("aws_") for t in types) or any(
                not t.startswith("aws_") and t != "terraform_data" for t in types):
            continue
        if any(_provider_name(d) not in ("aws", None) for d in config.providers):
            continue
        if not _local_calls_only(config):
            continue
        text = "\n".join(Path(f).read_text(encoding="utf-8", errors="replace")
                         for f in config.files)
        if re.search(r"^\s*(backend|cloud)\s", text, re.MULTILINE):
            continue
        found.append(directory)
    return found


def _provider_name(declaration: Any) -> str | None:
    labels = declaration.block.labels
    return labels[0] if labels else None


def _local_calls_only(config: Any) -> bool:
    for declaration in config.calls.values():
        source = declaration.block.body.attributes.get("source")
        expr = source.expr if source is not None else None
        parts = getattr(expr, "parts", None)
        literal = parts[0] if parts and len(parts) == 1 else getattr(expr, "value", None)
        if not isinstance(literal, str) or not literal.startswith(("./", "../")):
            return False
        child = (Path(config.directory) / literal).resolve()
        try:
            if not _local_calls_only(load_module(str(child))):
                return False
        except (TerraformError, OSError, RecursionError):
            return False
    return True


def stratified(candidates: list[Path], corpus: Path, sample: int, seed: int) -> list[Path]:
    """``sample`` modules taken in turn from each repository of the corpus (shuffled within
    each), so that no one repository's test fixtures make up the sample."""
    rng = random.Random(seed)
    by_repository: dict[str, list[Path]] = {}
    for path in candidates:
        by_repository.setdefault(path.relative_to(corpus).parts[0], []).append(path)
    queues = [rng.sample(paths, len(paths)) for _name, paths in sorted(by_repository.items())]
    chosen: list[Path] = []
    while len(chosen) < sample and any(queues):
        for queue in queues:
            if queue and len(chosen) < sample:
                chosen.append(queue.pop())
    return chosen


def run_sample(corpus: Path, sample: int, seed: int, plugin_dir: Path,
               show: int) -> int:
    terraform = shutil.which("terraform")
    if terraform is None or not plugin_dir.is_dir():
        print("terraform_oracle: needs terraform on PATH and --plugin-dir", file=sys.stderr)
        return 2
    candidates = candidate_modules(corpus)
    chosen = stratified(candidates, corpus, sample, seed)
    total = Comparison()
    planned = 0
    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cwlint-oracle-") as scratch, \
            terraform_plans.moto_server() as endpoint:
        for number, directory in enumerate(chosen):
            out = Path(scratch) / f"{number}.json"
            error = terraform_plans.plan_module(
                directory, out, terraform, plugin_dir, endpoint,
                anchor=corpus / directory.relative_to(corpus).parts[0])
            name = str(directory.relative_to(corpus))
            if error:
                refused.append(f"{name}: {error.splitlines()[0] if error else ''}")
                continue
            planned += 1
            plan = json.loads(out.read_text(encoding="utf-8"))
            try:
                result = compare_module(str(directory), plan, name)
            except Exception as exc:  # reported, the run goes on
                result = Comparison(differences=[Difference(name, "(evaluation)", "",
                                                             repr(exc), None)])
            total.add(result)
            print(f"{name}: {result.compared} compared, {len(result.differences)} "
                  f"differences", flush=True)
            for difference in result.differences[:show]:
                print(f"  DIFF {difference}", flush=True)
    print(f"\ncandidates: {len(candidates)}; modules tried: {len(chosen)}; planned offline: "
          f"{planned}; values compared: {total.compared}; values cwlint left unknown: "
          f"{total.cwlint_unknown}; differences: {len(total.differences)}")
    for line in refused[:show]:
        print(f"  not planned: {line[:200]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "tf")
    parser.add_argument("--sample", type=int, default=40, help="modules to try")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--show", type=int, default=200, help="differences to print")
    parser.add_argument("--plugin-dir", type=Path, default=Path("/opt/tf-plugins"))
    args = parser.parse_args(argv)
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    return run_sample(args.corpus, args.sample, args.seed, args.plugin_dir, args.show)


if __name__ == "__main__":
    sys.exit(main())
