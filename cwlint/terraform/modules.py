"""A directory of ``.tf`` files as one Terraform module, evaluated into resource instances.

:func:`read_configuration` reads the root module of an input (every ``*.tf`` and
``*.tf.json`` file of the directory, plus ``terraform.tfvars`` and ``*.auto.tfvars`` for
its variables) and returns a :class:`~cwlint.terraform.resources.TerraformInput`: every
resource and data source instance, with ``count`` and ``for_each`` expanded when they
are known, addressed as Terraform addresses them (``aws_subnet.private[0]``,
``module.app.aws_iam_role.app``).

Values come from :mod:`cwlint.terraform.expressions`: variable defaults, ``locals``,
module inputs and outputs, other resources' configured arguments, and the computed
attributes :mod:`cwlint.terraform.attributes` can write; everything else is unknown.
Local modules (``source = "./modules/x"``) are followed with their inputs, and so are
registry and git modules that ``terraform init`` installed (read where
``.terraform/modules/modules.json`` says, :func:`installed_modules`); nothing is ever
fetched: a module that is not installed has unknown outputs and the call is recorded
once in :attr:`~cwlint.terraform.resources.TerraformInput.modules_not_followed`.
"""

from __future__ import annotations

import glob
import json
import os
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import msgspec

from cwlint.frontend.arns import partition_for_region
from cwlint.model import Location
from cwlint.terraform import hcl, json_syntax, syntax
from cwlint.terraform.attributes import Environment, computed_attribute
from cwlint.terraform.discovery import configuration_files, is_module_directory
from cwlint.terraform.expressions import (
    NOT_CONSTANT,
    Evaluator,
    Scope,
    Step,
    constant,
    flatten_traversal,
    plain,
)
from cwlint.terraform.files import ModuleFiles
from cwlint.terraform.reading import MAX_CONFIGURATION_BYTES, TerraformError, read_bytes
from cwlint.terraform.resources import (
    Block,
    LazyReferences,
    ModuleNote,
    TerraformInput,
    TfResource,
)
from cwlint.terraform.values import EvalError, TfRef, after_apply
from cwlint.values import Partial, Unknown

MAX_MODULE_DEPTH = 12
MAX_INSTANCES = 1000
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "providers",
                            "lifecycle", "source", "version"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
_NAMED_ROOTS = frozenset({"var", "local", "module", "data", "path", "terraform", "count",
                          "each", "self"})


class Declaration(msgspec.Struct):
    block: syntax.Block
    file: str


class ModuleConfig(msgspec.Struct):
    """The declarations of one module directory, its ``.tf`` files together."""

    directory: str
    files: list[str] = msgspec.field(default_factory=list)
    variables: dict[str, Declaration] = msgspec.field(default_factory=dict)
    locals: dict[str, tuple[syntax.Attribute, str]] = msgspec.field(default_factory=dict)
    resources: dict[tuple[str, str, str], Declaration] = msgspec.field(default_factory=dict)
    calls: dict[str, Declaration] = msgspec.field(default_factory=dict)
    outputs: dict[str, Declaration] = msgspec.field(default_factory=dict)
    providers: list[Declaration] = msgspec.field(default_factory=list)


def load_module(directory: str) -> ModuleConfig:
    """Parse every ``*.tf`` and ``*.tf.json`` file of ``directory`` (raises
    :class:`TerraformError`)."""
    config = ModuleConfig(directory)
    paths = configuration_files(directory)
    overrides = [p for p in paths if _is_override(p)]
    for path in [p for p in paths if not _is_override(p)] + overrides:
        if directory in ("", "."):  # a .tf file named alone is reported as given
            path = os.path.basename(path)
        body = parse_file(path)
        config.files.append(path)
        for block in body.blocks:
            if _is_override(path):
                _override(config, block, path)
            else:
                _declare(config, block, path)
    return config


def _is_override(path: str) -> bool:
    name = os.path.basename(path)
    return name in ("override.tf", "override.tf.json") or name.endswith(
        ("_override.tf", "_override.tf.json"))


def _override(config: ModuleConfig, block: syntax.Block, path: str) -> None:
    """Merge a block of an override file into the block it overrides, as Terraform does:
    its arguments replace the original ones, its nested blocks replace those of the same
    type."""
    target: Declaration | None = None
    if block.type in ("resource", "data") and len(block.labels) == 2:
        mode = "managed" if block.type == "resource" else "data"
        target = config.resources.get((mode, block.labels[0], block.labels[1]))
    elif block.type == "variable" and len(block.labels) == 1:
        target = config.variables.get(block.labels[0])
    elif block.type == "module" and len(block.labels) == 1:
        target = config.calls.get(block.labels[0])
    elif block.type == "output" and len(block.labels) == 1:
        target = config.outputs.get(block.labels[0])
    elif block.type == "locals":
        for name, attribute in block.body.attributes.items():
            config.locals[name] = (attribute, path)
        return
    if target is None:
        _declare(config, block, path)
        return
    # a new block: parsed files are shared by every input of a scan (parse_file)
    original = target.block
    replaced = {b.type if b.type != "dynamic" else f"dynamic {b.labels}" for b in
                block.body.blocks}
    kept = [b for b in original.body.blocks if (b.type if b.type != "dynamic"
                                                else f"dynamic {b.labels}") not in replaced]
    body = syntax.Body({**original.body.attributes, **block.body.attributes},
                       kept + block.body.blocks)
    target.block = syntax.Block(original.type, original.labels, body, original.line,
                                original.end_line, original.column)


#: Parsed files by (real path, modification time, size): a file is parsed once per scan
#: (and per process), whichever inputs read it, such as a module called by several roots.
_PARSED: OrderedDict[tuple[str, int, int], syntax.Body] = OrderedDict()
_PARSED_LIMIT = 4096


def parse_file(path: str) -> syntax.Body:
    """The syntax tree of one ``.tf`` file (raises :class:`TerraformError`). The tree is
    shared: callers must not change it."""
    try:
        status = os.stat(path)
        key: tuple[str, int, int] | None = (os.path.realpath(path), status.st_mtime_ns,
                                            status.st_size)
    except OSError:
        key = None  # read_bytes says why
    if key is not None and key in _PARSED:
        _PARSED.move_to_end(key)
        return _PARSED[key]
    body = _parse_file(path)
    if key is not None:
        _PARSED[key] = body
        if len(_PARSED) > _PARSED_LIMIT:
            _PARSED.popitem(last=False)
    return body


def _parse_file(path: str) -> syntax.Body:
    data = read_bytes(path, MAX_CONFIGURATION_BYTES, "the file")
    if b"\x00" in data:
        raise TerraformError(path, None, "not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TerraformError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    try:
        return json_syntax.parse(text) if path.endswith(".json") else hcl.parse(text)
    except hcl.HclError as exc:
        raise TerraformError(path, exc.line, exc.message) from exc
    except RecursionError:
        raise TerraformError(path, None, "the file nests too deeply to parse") from None


def _declare(config: ModuleConfig, block: syntax.Block, path: str) -> None:
    labels = block.labels
    where = Declaration(block, path)

    def duplicate(what: str) -> TerraformError:
        return TerraformError(path, block.line, f"{what} is declared twice")

    if block.type in ("resource", "data") and len(labels) == 2:
        key = ("managed" if block.type == "resource" else "data", labels[0], labels[1])
        if key in config.resources:
            prefix = "data." if block.type == "data" else ""
            raise duplicate(f"{prefix}{labels[0]}.{labels[1]}")
        config.resources[key] = where
    elif block.type == "variable" and len(labels) == 1:
        if labels[0] in config.variables:
            raise duplicate(f"variable {labels[0]}")
        config.variables[labels[0]] = where
    elif block.type == "locals":
        for name, attribute in block.body.attributes.items():
            if name in config.locals:
                raise TerraformError(path, attribute.line, f"local.{name} is declared twice")
            config.locals[name] = (attribute, path)
    elif block.type == "module" and len(labels) == 1:
        if labels[0] in config.calls:
            raise duplicate(f"module {labels[0]}")
        config.calls[labels[0]] = where
    elif block.type == "output" and len(labels) == 1:
        config.outputs[labels[0]] = where
    elif block.type == "provider" and len(labels) == 1:
        config.providers.append(where)


def read_configuration(directory: str, env: Environment) -> TerraformInput:
    """Every resource instance of the root module in ``directory`` and the local modules
    it calls (raises :class:`TerraformError` for a file that cannot be parsed). ``env``
    gives the region and account unless the default ``aws`` provider states its own."""
    session = _Session(env, installed_modules(directory))
    config = session.config(directory)
    root = ModuleInstance(session, config, "", None, _tfvars(directory))
    result = TerraformInput(directory, "hcl")
    result.region, result.account_id = _provider_settings(root)
    session.env = Environment(result.region or env.region, result.account_id or env.account_id,
                              partition_for_region(result.region) if result.region
                              else env.partition)
    for instance in root.walk():
        result.resources.extend(instance.resources())
    result.modules_not_followed = list(session.not_followed.values())
    result.files = list(dict.fromkeys(session.files))
    return result


def installed_modules(directory: str) -> dict[str, str]:
    """The modules ``terraform init`` installed for the root module in ``directory``: each
    call's key (``app``, ``app.child``) -> its directory, from
    ``.terraform/modules/modules.json`` (``TF_DATA_DIR`` instead of ``.terraform`` when it
    is set, as for Terraform). Directories are relative to the root module's directory
    (as Terraform writes them) or absolute. Nothing when there is no such file or it
    cannot be read: the calls are then reported as not analysed."""
    data_dir = os.environ.get("TF_DATA_DIR") or ".terraform"
    path = os.path.join(directory, data_dir, "modules", "modules.json")
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return {}
    entries = manifest.get("Modules") if isinstance(manifest, dict) else None
    installed: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        key, module_dir = entry.get("Key"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(module_dir, str) and module_dir:
            installed[key] = os.path.normpath(os.path.join(directory, module_dir))
    return installed


def _provider_settings(root: ModuleInstance) -> tuple[str | None, str | None]:
    """The region and account of the root module's default ``aws`` provider when its
    configuration states them (it is what Terraform will use)."""
    region = account = None
    for declaration in root.config.providers:
        block = declaration.block
        if block.labels != ["aws"] or "alias" in block.body.attributes:
            continue
        attributes = block.body.attributes
        if "region" in attributes:
            value = root.evaluate(attributes["region"].expr)
            if isinstance(value, str) and value:
                region = value
        if "allowed_account_ids" in attributes:
            value = root.evaluate(attributes["allowed_account_ids"].expr)
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
                account = value[0]
    return region, account


def _tfvars(directory: str) -> dict[str, Any]:
    """Values of root variables from ``terraform.tfvars`` and ``*.auto.tfvars`` (HCL or
    JSON), in the order Terraform applies them."""
    values: dict[str, Any] = {}
    names = ["terraform.tfvars", "terraform.tfvars.json"]
    names += sorted(os.path.basename(p) for p in glob.glob(
        os.path.join(glob.escape(directory), "*.auto.tfvars*")))
    evaluator = Evaluator()
    for name in names:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        if name.endswith(".json"):
            try:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
            except (OSError, ValueError) as exc:
                raise TerraformError(path, None, f"not valid JSON: {exc}") from exc
            if isinstance(data, dict):
                values.update(data)
            continue
        body = parse_file(path)
        scope = Scope(_NoNames())
        for attribute in body.attributes.values():
            values[attribute.name] = evaluator.evaluate(attribute.expr, scope)
    return values


class _NoNames:
    """The context of ``.tfvars`` files, where no names are defined."""

    def resolve(self, root: str, steps: list[Step], scope: Scope) -> tuple[Any, list[Step]]:
        return Unknown(f"{root} is not available in a .tfvars file"), []


class _Session:
    """State shared by the module instances of one input."""

    def __init__(self, env: Environment, installed: dict[str, str] | None = None) -> None:
        self.env = env
        self.evaluator = Evaluator()
        self.configs: dict[str, ModuleConfig] = {}
        self.not_followed: dict[str, ModuleNote] = {}
        self.files: list[str] = []
        self.installed = installed or {}  # module key (app.child) -> its directory

    def config(self, directory: str) -> ModuleConfig:
        key = os.path.normpath(directory)
        if key not in self.configs:
            self.configs[key] = load_module(directory)
            self.files.extend(self.configs[key].files)
        return self.configs[key]


class ModuleInstance:
    """One instance of a module: the root, or a module call (one per count/for_each key)."""

    def __init__(self, session: _Session, config: ModuleConfig, address: str,
                 inputs: dict[str, tuple[syntax.Expr, Scope, ModuleInstance]] | None,
                 tfvars: dict[str, Any] | None = None, depth: int = 0, key: str = "") -> None:
        self.session = session
        self.config = config
        self.address = address  # "" or module.app / module.app["a"]
        self.key = key  # the module's key in .terraform/modules/modules.json: "", app.child
        self.inputs = inputs
        self.tfvars = tfvars or {}
        self.depth = depth
        self._variables: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._local_refs: dict[str, tuple[str, ...]] = {}
        self._outputs: dict[str, Any] = {}
        self._instances: dict[tuple[str, str, str], list[Instance] | Unknown] = {}
        self._children: dict[str, list[ModuleInstance] | Unknown] = {}
        self._busy: set[Any] = set()

    # --- names ---------------------------------------------------------------------------

    def qualified(self, local_address: str) -> str:
        return f"{self.address}.{local_address}" if self.address else local_address

    def evaluate(self, expr: syntax.Expr, scope: Scope | None = None) -> Any:
        return self.session.evaluator.evaluate(expr, scope or Scope(self))

    def guarded(self, key: Any, compute: Any, what: str) -> Any:
        """``compute()``, or an Unknown when ``key`` is already being computed (a cycle)."""
        if key in self._busy:
            return Unknown(f"{what} refers to itself")
        self._busy.add(key)
        try:
            return compute()
        finally:
            self._busy.discard(key)

    def variable(self, name: str) -> Any:
        if name not in self._variables:
            self._variables[name] = self.guarded(("var", name), lambda: self._variable(name),
                                                 f"var.{name}")
        return self._variables[name]

    def _variable(self, name: str) -> Any:
        declared = self.config.variables.get(name)
        if self.inputs is not None and name in self.inputs:
            expr, scope, parent = self.inputs[name]
            return finalize(parent.evaluate(expr, scope))
        if self.inputs is None and name in self.tfvars:
            return self.tfvars[name]
        if declared is None:
            return Unknown(f"var.{name} is not declared")
        default = declared.block.body.attributes.get("default")
        if default is not None:
            return finalize(self.evaluate(default.expr, Scope(_NoNames())))
        if self.inputs is None:
            return Unknown(f"var.{name} has no default")
        return Unknown(f"var.{name} of {self.address} is not set and has no default")

    def local(self, name: str) -> Any:
        if name not in self._locals:
            entry = self.config.locals.get(name)
            if entry is None:
                return Unknown(f"local.{name} is not declared")
            self._locals[name] = self.guarded(
                ("local", name), lambda: finalize(self.evaluate(entry[0].expr)), f"local.{name}")
        return self._locals[name]

    def output(self, name: str) -> Any:
        if name not in self._outputs:
            declared = self.config.outputs.get(name)
            value_attr = declared.block.body.attributes.get("value") if declared else None
            if value_attr is None:
                return Unknown(f"output {name} is not declared in {self.address}")
            self._outputs[name] = self.guarded(
                ("output", name), lambda: finalize(self.evaluate(value_attr.expr)),
                f"output {name} of {self.address}")
        return self._outputs[name]

    # --- Context ---------------------------------------------------------------------------

    def resolve(self, root: str, steps: list[Step], scope: Scope) -> tuple[Any, list[Step]]:
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var":
            return (self.variable(first), steps[1:]) if first else (
                Unknown("var used without a name"), [])
        if root == "local":
            return (self.local(first), steps[1:]) if first else (
                Unknown("local used without a name"), [])
        if root == "module":
            return (self.module_value(first), steps[1:]) if first else (
                Unknown("module used without a name"), [])
        if root == "data":
            second = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            if first is None or second is None:
                return Unknown("data used without a type and a name"), []
            return self.resource_value("data", first, second), steps[2:]
        if root == "path":
            # As Terraform gives them: relative to the root module's directory, where
            # terraform runs ("." and "modules/app"); file functions start there too.
            root_directory = self.session_root()
            module_path = os.path.relpath(self.config.directory, root_directory)
            paths = {"module": module_path.replace(os.sep, "/"), "root": ".", "cwd": "."}
            return paths.get(first or "", Unknown(f"path.{first}")), steps[1:]
        if root in _NAMED_ROOTS:
            return Unknown(f"{root} is not available here"), []
        if first is None:
            return Unknown(f"{root} is not a resource type or a known name"), []
        return self.resource_value("managed", root, first), steps[1:]

    def session_root(self) -> str:
        return next(iter(self.session.configs.values())).directory

    def module_files(self) -> ModuleFiles:
        """Where ``file()`` and its kin may read: inside this module's directory."""
        return ModuleFiles(self.config.directory, self.session_root())

    # --- resources -------------------------------------------------------------------------

    def resource_value(self, mode: str, rtype: str, name: str) -> Any:
        declaration = self.config.resources.get((mode, rtype, name))
        prefix = "data." if mode == "data" else ""
        if declaration is None:
            where = f" of {self.address}" if self.address else ""
            return EvalError(f"{prefix}{rtype}.{name} is not declared in the module{where}")
        instances = self.instances(mode, rtype, name)
        if isinstance(instances, Unknown):
            return instances
        body = declaration.block.body
        if "count" in body.attributes:
            return instances
        if "for_each" in body.attributes:
            return {str(i.key): i for i in instances}
        return instances[0] if instances else Unknown(f"{prefix}{rtype}.{name} has no instance")

    def instances(self, mode: str, rtype: str, name: str) -> list[Instance] | Unknown:
        key = (mode, rtype, name)
        if key not in self._instances:
            declaration = self.config.resources[key]
            self._instances[key] = self.guarded(
                ("instances", key), lambda: self._expand(declaration, mode, rtype, name),
                f"the count of {rtype}.{name}")
        return self._instances[key]

    def _expand(self, declaration: Declaration, mode: str, rtype: str,
                name: str) -> list[Instance] | Unknown:
        local = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
        keys = self.expansion(declaration.block.body, local)
        return [Instance(self, declaration, mode, rtype, name, key, scope)
                for key, scope in keys]

    def expansion(self, body: syntax.Body, what: str) -> list[tuple[Any, Scope]]:
        """The instance keys of a block with ``count`` or ``for_each`` (None: no key) and the
        scope each is evaluated in. An unknown count gives one unkeyed instance."""
        base = Scope(self)
        if "count" in body.attributes:
            count = plain(self.evaluate(body.attributes["count"].expr))
            if isinstance(count, bool) or not isinstance(count, (int, float)):
                reason = count.reason if isinstance(count, Unknown) else "not a number"
                unknown = Unknown(f"the count of {what} is not known statically ({reason})")
                return [(None, base.bind(count={"index": unknown}))]
            return [(i, base.bind(count={"index": i}))
                    for i in range(min(int(count), MAX_INSTANCES))]
        if "for_each" in body.attributes:
            items = plain(self.evaluate(body.attributes["for_each"].expr))
            if isinstance(items, dict):
                return [(k, base.bind(each={"key": k, "value": items[k]}))
                        for k in sorted(items)[:MAX_INSTANCES]]
            if isinstance(items, list) and all(isinstance(i, str) for i in items):
                return [(k, base.bind(each={"key": k, "value": k}))
                        for k in sorted(set(items))[:MAX_INSTANCES]]
            reason = items.reason if isinstance(items, (Unknown, Partial)) else "not a map or set"
            unknown = Unknown(f"the for_each of {what} is not known statically ({reason})")
            return [(None, base.bind(each={"key": unknown, "value": unknown}))]
        return [(None, base)]

    def resources(self) -> Iterator[TfResource]:
        for (mode, rtype, name) in self.config.resources:
            instances = self.instances(mode, rtype, name)
            if isinstance(instances, Unknown):
                continue
            for instance in instances:
                yield instance.resource()

    # --- module calls ----------------------------------------------------------------------

    def module_value(self, name: str) -> Any:
        children = self.children(name)
        if isinstance(children, Unknown):
            return children
        body = self.config.calls[name].block.body
        if "count" in body.attributes:
            return [_ModuleOutputs(c) for c in children]
        if "for_each" in body.attributes:
            return {c.address.rsplit("[", 1)[-1].strip('"]'): _ModuleOutputs(c) for c in children}
        return _ModuleOutputs(children[0]) if children else Unknown(f"module.{name} has no "
                                                                     "instance")

    def children(self, name: str) -> list[ModuleInstance] | Unknown:
        if name not in self._children:
            self._children[name] = self.guarded(("module", name), lambda: self._call(name),
                                                f"module.{name}")
        return self._children[name]

    def _call(self, name: str) -> list[ModuleInstance] | Unknown:
        declaration = self.config.calls.get(name)
        if declaration is None:
            return Unknown(f"module.{name} is not declared")
        body = declaration.block.body
        address = self.qualified(f"module.{name}")
        key = f"{self.key}.{name}" if self.key else name
        where = Location(declaration.file, declaration.block.line, address)
        source_attr = body.attributes.get("source")
        source = self.evaluate(source_attr.expr) if source_attr else None
        if isinstance(source, str) and source.startswith(("./", "../")):
            directory = os.path.normpath(os.path.join(self.config.directory, source))
            if not is_module_directory(directory):
                self.session.not_followed.setdefault(address, ModuleNote(
                    address, source, where, "which has no .tf files"))
                return Unknown(f"{address} comes from {source}, which has no .tf files")
        else:
            shown = source if isinstance(source, str) else "a source that is not known"
            installed = self.session.installed.get(key)
            if installed is None or not is_module_directory(installed):
                self.session.not_followed.setdefault(address, ModuleNote(address, shown, where))
                return Unknown(f"{address} comes from {shown}, which cwlint does not fetch "
                               "and terraform init has not installed")
            directory = installed
        if self.depth >= MAX_MODULE_DEPTH:
            return Unknown(f"{address} nests modules too deeply")
        config = self.session.config(directory)
        children = []
        for instance_key, scope in self.expansion(body, address):
            child_address = address + _index_text(instance_key)
            inputs = {n: (a.expr, scope, self) for n, a in body.attributes.items()
                      if n not in META_ARGUMENTS}
            children.append(ModuleInstance(self.session, config, child_address, inputs,
                                           depth=self.depth + 1, key=key))
        return children

    def walk(self) -> Iterator[ModuleInstance]:
        yield self
        for name in self.config.calls:
            children = self.children(name)
            if isinstance(children, list):
                for child in children:
                    yield from child.walk()

    # --- references ------------------------------------------------------------------------

    def references(self, expr: syntax.Expr, scope: Scope) -> list[str]:
        """The resources an expression refers to, module-qualified and as a plan lists them
        (``aws_iam_role.app.arn``, ``aws_iam_role.app``), through variables, locals and
        module outputs."""
        if constant(expr) is not NOT_CONSTANT:
            return []  # a literal refers to nothing
        found: list[str] = []
        for traversal in _traversals(expr):
            flat = flatten_traversal(traversal)
            if flat is None:
                continue
            root, raw_steps = flat
            if root in scope.names:
                continue
            steps: list[Step] = [("attr", s) if isinstance(s, str)
                                 else ("index", plain(self.evaluate(s, scope)))
                                 for s in raw_steps]
            found.extend(self._references_of(root, steps))
        return list(dict.fromkeys(found))

    def _references_of(self, root: str, steps: list[Step]) -> list[str]:
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if first is None:
            return []
        if root == "var":
            if self.inputs is None or first not in self.inputs:
                return []
            expr, scope, parent = self.inputs[first]
            refs = self.guarded(("var refs", first), lambda: parent.references(expr, scope),
                                f"var.{first}")
            return refs if isinstance(refs, list) else []
        if root == "local":
            entry = self.config.locals.get(first)
            if entry is None:
                return []
            if first not in self._local_refs:
                refs = self.guarded(("local refs", first),
                                    lambda: self.references(entry[0].expr, Scope(self)),
                                    f"local.{first}")
                self._local_refs[first] = tuple(refs) if isinstance(refs, list) else ()
            return list(self._local_refs[first])
        if root == "module":
            output = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            children = self.children(first)
            if isinstance(children, Unknown) or output is None:
                return []
            found: list[str] = []
            for child in children:
                declared = child.config.outputs.get(output)
                value = declared.block.body.attributes.get("value") if declared else None
                if value is not None:
                    refs = child.guarded(("output refs", output),
                                         lambda c=child, v=value: c.references(v.expr, Scope(c)),
                                         f"output {output}")
                    found.extend(refs if isinstance(refs, list) else [])
            return found
        if root in _NAMED_ROOTS and root != "data":
            return []
        if root == "data":
            second = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            if second is None:
                return []
            head, rest = f"data.{first}.{second}", steps[2:]
        else:
            head, rest = f"{root}.{first}", steps[1:]
        address = self.qualified(head)
        found = []
        if rest and rest[0][0] == "index" and isinstance(rest[0][1], (int, str)):
            indexed = address + _index_text(rest[0][1])
            rest = rest[1:]
        else:
            indexed = address
        if rest and rest[0][0] == "attr":
            found.append(f"{indexed}.{rest[0][1]}")
        found.append(indexed)
        if indexed != address:
            found.append(address)
        return found


def _traversals(expr: syntax.Expr) -> Iterator[syntax.Expr]:
    """The outermost traversals (``a.b[0].c``) inside an expression."""
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is syntax.Literal or node is None:
            continue
        if kind is syntax.Variable or kind is syntax.GetAttr or kind is syntax.Index:
            if flatten_traversal(node) is not None:
                yield node
                inner: syntax.Expr = node
                while isinstance(inner, (syntax.GetAttr, syntax.Index)):  # index expressions
                    if isinstance(inner, syntax.Index):
                        stack.append(inner.key)
                    inner = inner.source
                continue
            stack.append(node.source if kind is not syntax.Variable else None)
            if kind is syntax.Index:
                stack.append(node.key)
        elif kind is syntax.Template:
            if any(type(part) is not str for part in node.parts):
                stack.extend(_template_exprs(node.parts))
        elif kind is syntax.TupleExpr:
            stack.extend(node.items)
        elif kind is syntax.ObjectExpr:
            for key, value in node.items:
                stack.extend((key, value))
        elif kind is syntax.Splat:
            stack.extend((node.source, node.body))
        elif kind is syntax.Call:
            stack.extend(node.args)
        elif kind is syntax.Unary:
            stack.append(node.operand)
        elif kind is syntax.Binary:
            stack.extend((node.left, node.right))
        elif kind is syntax.Conditional:
            stack.extend((node.condition, node.true, node.false))
        elif kind is syntax.ForExpr:
            stack.extend(x for x in (node.collection, node.key, node.value, node.condition)
                         if x is not None)


def _template_exprs(parts: tuple[syntax.TemplatePart, ...]) -> list[syntax.Expr]:
    found: list[syntax.Expr] = []
    for part in parts:
        if isinstance(part, syntax.Interpolation):
            found.append(part.expr)
        elif isinstance(part, syntax.IfDirective):
            found.append(part.condition)
            found += _template_exprs(part.then) + _template_exprs(part.otherwise)
        elif isinstance(part, syntax.ForDirective):
            found.append(part.collection)
            found += _template_exprs(part.body)
    return found


def _index_text(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return f"[{json.dumps(str(key))}]"


def finalize(value: Any) -> Any:
    """A value as it is stored: lazily evaluated resources become references."""
    value = plain(value)
    if isinstance(value, dict) and not isinstance(value, Block):
        return {k: finalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finalize(v) for v in value]
    return value


class _ModuleOutputs:
    """``module.app``: its outputs, evaluated on demand."""

    def __init__(self, module: ModuleInstance) -> None:
        self.module = module

    def get_attribute(self, name: str) -> Any:
        return self.module.output(name)

    def as_value(self) -> Any:
        return Unknown(f"the whole of {self.module.address} used as a value")


class Instance:
    """One instance of a resource or data block, evaluated on demand."""

    def __init__(self, module: ModuleInstance, declaration: Declaration, mode: str, rtype: str,
                 name: str, key: Any, scope: Scope) -> None:
        self.module = module
        self.declaration = declaration
        self.body: syntax.Body = declaration.block.body
        self.mode = mode
        self.type = rtype
        self.name = name
        self.key = key
        self.scope = scope
        local = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
        self.address = module.qualified(local) + _index_text(key)
        self._values: dict[str, Any] = {}

    def configured(self, name: str) -> Any:
        """The configured argument or nested blocks called ``name``; None when not set."""
        body = self.body
        if name in body.attributes and name not in META_ARGUMENTS:
            return self.argument(name)
        for block in body.blocks:
            if block.type == name or (block.type == "dynamic" and block.labels == [name]):
                return self.nested(name)
        return None

    def argument(self, name: str) -> Any:
        if name not in self._values:
            expr = self.body.attributes[name].expr
            value = constant(expr)
            if value is not NOT_CONSTANT:
                self._values[name] = value
                return value
            self._values[name] = self.module.guarded(
                (self.address, name), lambda: finalize(self.module.evaluate(expr, self.scope)),
                f"{self.address}.{name}")
        return self._values[name]

    def nested(self, name: str) -> list[Block]:
        return [b for b in self.blocks().get(name, [])]

    def blocks(self) -> dict[str, list[Block]]:
        if not self.body.blocks:
            return {}
        key = "\u0000blocks"
        if key not in self._values:
            self._values[key] = self.module.guarded(
                (self.address, key), lambda: _nested_blocks(self.module, self.body, self.scope),
                f"the blocks of {self.address}")
        value = self._values[key]
        return value if isinstance(value, dict) else {}

    def get_attribute(self, name: str) -> Any:
        value = self.configured(name)
        if value is not None:
            return value
        computed = computed_attribute(self.mode, self.type, name, self.configured, self.address,
                                      self.module.session.env)
        return computed if computed is not None else after_apply(self.address, name)

    def as_value(self) -> Any:
        return after_apply(self.address, "")

    def resource(self) -> TfResource:
        values: dict[str, Any] = {}
        attributes = self.body.attributes
        for name in attributes:
            if name not in META_ARGUMENTS:
                values[name] = self.argument(name)
        refs = LazyReferences(list(values), lambda name: tuple(
            self.module.references(attributes[name].expr, self.scope)))
        for name, blocks in self.blocks().items():
            values[name] = blocks
        body = Block(values, refs)
        block = self.declaration.block
        return TfResource(
            self.address, self.mode, self.type, self.name, self.module.address, body,
            Location(self.declaration.file, block.line, self.address),
            configured=frozenset(values))


def _nested_blocks(module: ModuleInstance, body: syntax.Body, scope: Scope
                   ) -> dict[str, list[Block]]:
    """The nested blocks of a body, ``dynamic`` blocks expanded, each evaluated."""
    found: dict[str, list[Block]] = {}
    for block in body.blocks:
        if block.type in META_BLOCKS:
            continue
        if block.type == "dynamic" and len(block.labels) == 1:
            found.setdefault(block.labels[0], []).extend(_dynamic(module, block, scope))
        else:
            found.setdefault(block.type, []).append(_evaluate_block(module, block.body, scope))
    return found


def _dynamic(module: ModuleInstance, block: syntax.Block, scope: Scope) -> list[Block]:
    label = block.labels[0]
    attributes = block.body.attributes
    iterator_attr = attributes.get("iterator")
    iterator = label
    if iterator_attr is not None and isinstance(iterator_attr.expr, syntax.Variable):
        iterator = iterator_attr.expr.name
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    if content is None or "for_each" not in attributes:
        return []
    items = plain(module.evaluate(attributes["for_each"].expr, scope))
    if isinstance(items, dict):
        pairs = [(k, items[k]) for k in sorted(items)]
    elif isinstance(items, list):
        pairs = list(enumerate(items))
    else:
        reason = items.reason if isinstance(items, (Unknown, Partial)) else "not a collection"
        unknown = Unknown(f"the for_each of dynamic block {label} is not known statically "
                          f"({reason})")
        pairs = [(unknown, unknown)]
    return [_evaluate_block(module, content.body,
                            scope.bind(**{iterator: {"key": key, "value": value}}))
            for key, value in pairs[:MAX_INSTANCES]]


def _evaluate_block(module: ModuleInstance, body: syntax.Body, scope: Scope) -> Block:
    values: dict[str, Any] = {}
    attributes = body.attributes
    for name, attribute in attributes.items():
        value = constant(attribute.expr)
        values[name] = value if value is not NOT_CONSTANT else finalize(
            module.evaluate(attribute.expr, scope))
    refs = LazyReferences(list(attributes), lambda name: tuple(
        module.references(attributes[name].expr, scope)))
    for name, blocks in _nested_blocks(module, body, scope).items():
        values[name] = blocks
    return Block(values, refs)


__all__ = ["TerraformError", "TfRef", "installed_modules", "is_module_directory",
           "load_module", "read_configuration"]
