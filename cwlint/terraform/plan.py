"""``terraform show -json`` plans (format_version 0.1 to 1.x) into resource instances.

What is read:

* ``planned_values``: every resource and data source instance that will exist after
  apply, in the root module and nested ``child_modules``, with its full address
  (``module.app.aws_lambda_function.orders``);
* ``resource_changes``: the actions (a resource that is only deleted is left out) and
  ``after_unknown``, which marks the values Terraform knows only after apply: they are
  omitted from ``planned_values`` and become :class:`~cwlint.values.Unknown` here;
* ``prior_state``: data sources Terraform read while planning (a policy document's
  ``json``, the caller identity);
* ``configuration``: each attribute's expression ``references`` (followed through module
  inputs and outputs and qualified with the module address), which is how the builder
  links a function to a role whose ARN is unknown, and which arguments the configuration
  sets at all (a security group without ``egress`` blocks has no egress in Terraform).

The AWS provider stores ``user_data`` of ``aws_instance`` and ``aws_launch_configuration``
as a SHA-1 hash; when the
configuration gives the script as a constant, the script is used instead.

The plan is JSON as :func:`json.load` decodes it, so its objects are tested with
``isinstance(value, dict)``, a check in C, not with ``Mapping``, which goes through the
abstract base class machinery (half a million times on a 10,000-resource plan).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from cwlint.model import Location
from cwlint.terraform.reading import TerraformError, read_bytes
from cwlint.terraform.resources import Block, TerraformInput, TfResource
from cwlint.values import Unknown

MAX_FILE_BYTES = 200 * 1024 * 1024
_SHA1 = re.compile(r"[0-9a-f]{40}")
_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_\-]+)(\[[^\]]*\])?')
_DROPPED_ROOTS = ("local.", "count.", "each.", "path.", "terraform.", "self.", "self")


class NotAPlan(TerraformError):
    """Valid JSON that is not a plan (skipped when found by walking a directory)."""


def is_plan(data: Any) -> bool:
    """Does decoded JSON look like ``terraform show -json`` output of a plan?"""
    return isinstance(data, dict) and "format_version" in data and (
        "planned_values" in data or "resource_changes" in data)


def might_be_plan(path: str) -> bool:
    """A cheap test on the file's text before decoding it."""
    if not path.endswith(".json"):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024 * 1024)
    except OSError:
        return False
    return b'"format_version"' in head and (b'"planned_values"' in head
                                            or b'"resource_changes"' in head)


def load_plan(path: str) -> dict[str, Any]:
    """The decoded plan (raises :class:`TerraformError` when the file is not one)."""
    data = read_bytes(path, MAX_FILE_BYTES, "the plan")
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TerraformError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise TerraformError(path, exc.lineno, f"not valid JSON: {exc.msg}") from exc
    except RecursionError:
        raise TerraformError(path, None, "the JSON nests too deeply") from None
    if not is_plan(decoded):
        raise NotAPlan(path, None, "not a Terraform plan (terraform show -json): it has no "
                             "format_version with planned_values or resource_changes")
    version = str(decoded.get("format_version"))
    if not re.fullmatch(r"[01](\.[0-9]+)*", version):
        raise TerraformError(path, None, f"unsupported plan format_version {version} (cwlint "
                             "reads 0.x and 1.x)")
    return decoded


def read_plan(path: str) -> TerraformInput:
    """Every resource instance a plan file says will exist after apply."""
    return plan_resources(load_plan(path), path)


def plan_resources(plan: dict[str, Any], path: str) -> TerraformInput:
    result = TerraformInput(path, "plan")
    result.region, result.account_id = _provider_settings(plan)
    changes = {c.get("address"): c for c in _list(plan.get("resource_changes"))
               if isinstance(c, dict)}
    config = _Configuration(plan.get("configuration"))
    seen: set[str] = set()
    planned = _module_resources(_dict(plan.get("planned_values")).get("root_module"))
    prior = _module_resources(_dict(_dict(plan.get("prior_state")).get("values"))
                              .get("root_module"))
    candidates = [(r, True) for r in planned] + [(r, False) for r in prior
                                                 if r.get("mode") == "data"]
    for change in changes.values():  # resources planned_values leaves out (old formats)
        actions = _dict(change.get("change")).get("actions") or []
        if "delete" not in actions or "create" in actions:
            candidates.append(({**change, "values": _dict(change.get("change")).get("after")},
                               True))
    for raw, _planned in candidates:
        address = raw.get("address")
        if not isinstance(address, str) or address in seen:
            continue
        change = changes.get(address)
        actions = _dict(_dict(change).get("change")).get("actions") or []
        if actions == ["delete"]:
            continue
        seen.add(address)
        resource = _resource(raw, change, config, path)
        if resource is not None:
            result.resources.append(resource)
    return result


def _provider_settings(plan: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The default aws provider's region and account when the configuration states them
    as constants."""
    providers = _dict(_dict(plan.get("configuration")).get("provider_config"))
    aws = _dict(providers.get("aws"))
    expressions = _dict(aws.get("expressions"))
    region = _dict(expressions.get("region")).get("constant_value")
    accounts = _dict(expressions.get("allowed_account_ids")).get("constant_value")
    account = accounts[0] if isinstance(accounts, list) and len(accounts) == 1 else None
    return (region if isinstance(region, str) and region else None,
            account if isinstance(account, str) and account else None)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _module_resources(module: Any) -> Iterator[Mapping[str, Any]]:
    stack = [module]
    while stack:
        current = stack.pop(0)
        if not isinstance(current, dict):
            continue
        for resource in _list(current.get("resources")):
            if isinstance(resource, dict):
                yield resource
        stack.extend(_list(current.get("child_modules")))


def _resource(raw: Mapping[str, Any], change: Mapping[str, Any] | None,
              config: _Configuration, path: str) -> TfResource | None:
    address = raw["address"]
    rtype, name = raw.get("type"), raw.get("name")
    mode = raw.get("mode", "managed")
    if not isinstance(rtype, str) or not isinstance(name, str):
        return None
    module = _module_of(address, mode, rtype)
    values = raw.get("values")
    unknown = _dict(_dict(change).get("change")).get("after_unknown")
    merged = _mark_unknown(values if isinstance(values, dict) else {}, unknown, address)
    expressions = config.expressions(module, mode, rtype, name)
    body = _block(merged, expressions, module, config, address)
    if rtype in ("aws_instance", "aws_launch_configuration"):
        _restore_user_data(body, expressions)
    configured = frozenset(expressions) if expressions is not None else None
    if configured is not None:  # computed values the configuration leaves to the provider
        for key in [k for k, v in body.items() if isinstance(v, Unknown) and k not in configured]:
            del body[key]
    return TfResource(address, mode, rtype, name, module, body, Location(path, None, address),
                      configured=configured)


def _module_of(address: str, mode: str, rtype: str) -> str:
    marker = f"data.{rtype}." if mode == "data" else f"{rtype}."
    position = address.rfind(marker)
    if position <= 0:
        return ""
    return address[:position - 1]


def _mark_unknown(value: Any, unknown: Any, address: str, path: str = "") -> Any:
    """``value`` with what ``after_unknown`` marks replaced by Unknown."""
    if unknown is True:
        where = f"{address}.{path}" if path else address
        return Unknown(f"{where} is known only after apply")
    if isinstance(unknown, dict):
        result = dict(value) if isinstance(value, dict) else {}
        for key, marker in unknown.items():
            result[key] = _mark_unknown(result.get(key), marker, address,
                                        f"{path}.{key}" if path else str(key))
        return result
    if isinstance(unknown, list):
        items = list(value) if isinstance(value, list) else []
        for index, marker in enumerate(unknown):
            if index < len(items):
                items[index] = _mark_unknown(items[index], marker, address, f"{path}[{index}]")
            elif marker is True:
                items.append(_mark_unknown(None, True, address, f"{path}[{index}]"))
        return items
    return value


def _block(values: Mapping[str, Any], expressions: Mapping[str, Any] | None, module: str,
           config: _Configuration, where: str) -> Block:
    """Values as a Block, with each attribute's references from the configuration."""
    refs: dict[str, tuple[str, ...]] = {}
    converted: dict[str, Any] = {}
    for key, value in values.items():
        expression = (expressions or {}).get(key)
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            nested = expression if isinstance(expression, list) else []
            converted[key] = [
                _block(item, _nested_expression(nested, index), module, config, where)
                if isinstance(item, dict) else item
                for index, item in enumerate(value)]
            if isinstance(expression, dict):
                _share_references(converted[key], config.qualify(
                    expression.get("references"), module))
        else:
            converted[key] = _blocks_inside(value)
        if isinstance(expression, dict):
            refs[key] = config.qualify(expression.get("references"), module)
    for key, expression in (expressions or {}).items():
        if key not in converted and isinstance(expression, dict) and \
                expression.get("references"):
            converted[key] = Unknown(f"{where}.{key} has no value in the plan")
            refs[key] = config.qualify(expression.get("references"), module)
    return Block(converted, refs)


def _share_references(blocks: list[Any], references: tuple[str, ...]) -> None:
    """Blocks Terraform writes as one attribute (``ingress`` and ``egress`` of
    ``aws_security_group``: attributes-as-blocks in the provider's schema): the plan's
    ``configuration`` gives one expression for all of them, with the references of every
    block together, and the planned set is in Terraform's order, not the configuration's.
    An argument whose value is unknown takes those references when that cannot join a
    block to another block's resource: one block is unknown there, or every reference
    names one resource, or the blocks unknown there agree on every known value (then
    linking each to all the resources gives the same rules as the configuration)."""
    if not references:
        return
    resources = {r for r in references if not _has_attribute_step(r)} or set(references)
    unknown_in: dict[str, list[Block]] = {}
    for block in blocks:
        if isinstance(block, Block):
            for name, value in block.items():
                if _has_unknown(value):
                    unknown_in.setdefault(name, []).append(block)
    for name, holders in unknown_in.items():
        known = [{k: v for k, v in b.items() if not _has_unknown(v)} for b in holders]
        if len(holders) == 1 or len(resources) == 1 or all(k == known[0] for k in known):
            for block in holders:
                block.refs.setdefault(name, references)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    return False


def _has_attribute_step(reference: str) -> bool:
    """``aws_security_group.app.id`` (an attribute) rather than ``aws_security_group.app``."""
    parts = reference_parts(reference)
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if parts and parts[0] == "data":
        parts = parts[1:]
    return len(parts) > 2


def _nested_expression(nested: list[Any], index: int) -> Mapping[str, Any] | None:
    """The configuration of one nested block: by position, or all of them merged when the
    configuration has another number of blocks (dynamic blocks, sets)."""
    if not nested:
        return None
    if index < len(nested) and isinstance(nested[index], dict):
        return nested[index]
    merged: dict[str, Any] = {}
    for item in nested:
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    references = list(_list(merged[key].get("references")))
                    references += _list(value.get("references"))
                    merged[key] = {"references": references}
                else:
                    merged.setdefault(key, value)
    return merged


def _blocks_inside(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, Block):
        return Block({k: _blocks_inside(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_blocks_inside(v) for v in value]
    return value


def _restore_user_data(body: Block, expressions: Mapping[str, Any] | None) -> None:
    value = body.get("user_data")
    if not isinstance(value, str) or not _SHA1.fullmatch(value):
        return
    constant = _dict(_dict(expressions).get("user_data")).get("constant_value")
    if isinstance(constant, str):
        body["user_data"] = constant
    else:
        body["user_data"] = Unknown("the plan stores user_data as a hash and the configuration "
                                    "does not give it as a constant")


class _Configuration:
    """The ``configuration`` section: expressions by module path and resource, module
    calls' input expressions and outputs, to follow references across modules."""

    def __init__(self, configuration: Any) -> None:
        self.root = _dict(_dict(configuration).get("root_module"))
        self.present = bool(self.root)
        #: per module mapping (by identity): (mode, type, name) -> the resource's expressions
        self._indexes: dict[int, dict[tuple[Any, Any, Any], Mapping[str, Any]]] = {}

    def _index(self, module: Mapping[str, Any]) -> dict[tuple[Any, Any, Any], Mapping[str, Any]]:
        index = self._indexes.get(id(module))
        if index is None:
            index = {}
            for resource in _list(module.get("resources")):
                if isinstance(resource, dict):
                    key = (resource.get("mode", "managed"), resource.get("type"),
                           resource.get("name"))
                    index.setdefault(key, _dict(resource.get("expressions")))
            self._indexes[id(module)] = index
        return index

    def module(self, names: list[str]) -> Mapping[str, Any] | None:
        current: Mapping[str, Any] = self.root
        for name in names:
            call = _dict(_dict(current.get("module_calls")).get(name))
            if not call:
                return None
            current = _dict(call.get("module"))
        return current

    def call(self, names: list[str]) -> Mapping[str, Any]:
        parent = self.module(names[:-1]) if names else None
        return _dict(_dict(_dict(parent).get("module_calls")).get(names[-1])) if names else {}

    def expressions(self, module: str, mode: str, rtype: str,
                    name: str) -> Mapping[str, Any] | None:
        if not self.present:
            return None
        current = self.module(_module_names(module))
        if current is None:
            return None
        return self._index(current).get((mode, rtype, name))

    def qualify(self, references: Any, module: str, depth: int = 0) -> tuple[str, ...]:
        """References made in ``module`` (an instance address) as resource addresses of
        the whole plan, through ``var.`` (the module call's inputs) and ``module.X.out``."""
        found: list[str] = []
        for reference in _list(references):
            if not isinstance(reference, str) or reference.startswith(_DROPPED_ROOTS):
                continue
            if depth > 16:
                break
            if reference.startswith("var."):
                found.extend(self._variable(reference, module, depth))
            elif reference.startswith("module."):
                found.extend(self._output(reference, module, depth))
            else:
                found.append(f"{module}.{reference}" if module else reference)
        return tuple(dict.fromkeys(found))

    def _variable(self, reference: str, module: str, depth: int) -> list[str]:
        if not module:
            return []
        name = reference.split(".")[1].split("[")[0]
        parent = _parent_module(module)
        call = self.call(_module_names(module))
        expression = _dict(_dict(call.get("expressions")).get(name))
        return list(self.qualify(expression.get("references"), parent, depth + 1))

    def _output(self, reference: str, module: str, depth: int) -> list[str]:
        match = _MODULE_STEP.match(reference)
        if match is None:
            return []
        rest = reference[match.end():]
        output = rest[1:].split(".")[0].split("[")[0] if rest.startswith(".") else ""
        if not output:
            return []
        child = f"{module}.{match.group(0)}" if module else match.group(0)
        names = _module_names(child)
        definition = _dict(_dict(_dict(self.module(names)).get("outputs")).get(output))
        expression = _dict(definition.get("expression"))
        return list(self.qualify(expression.get("references"), child, depth + 1))


def _module_names(module: str) -> list[str]:
    return [m.group(1) for m in _MODULE_STEP.finditer(module)]


def _parent_module(module: str) -> str:
    steps = list(_MODULE_STEP.finditer(module))
    return module[:steps[-1].start() - 1] if len(steps) > 1 else ""


def reference_parts(reference: str) -> list[str]:
    """``module.a["x.y"].aws_s3_bucket.b[0].id`` split at the dots outside brackets."""
    if '"' not in reference and "[" not in reference and "]" not in reference:
        return reference.split(".")  # no bracket to be inside: every dot splits
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    in_string = False
    for char in reference:
        if char == '"':
            in_string = not in_string
        if not in_string:
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            elif char == "." and depth == 0:
                parts.append("".join(current))
                current = []
                continue
        current.append(char)
    parts.append("".join(current))
    return parts
