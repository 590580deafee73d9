"""Evaluating HCL expressions where their inputs are known.

:class:`Evaluator` turns a syntax tree from :mod:`cwlint.terraform.hcl` into plain Python
values (str, int, float, bool, None, list, dict) in which whatever cannot be known
statically is an :class:`~cwlint.values.Unknown` (a :class:`~cwlint.terraform.values.TfRef`
for a resource attribute known only after apply) or a :class:`~cwlint.values.Partial`
string. Conditionals whose condition is unknown, ``for`` expressions over unknown
collections and unknown arguments of functions give unknowns: nothing is guessed.

Names the evaluator does not bind itself (``var``, ``local``, ``module``, ``data``,
resources, ``path``) are resolved by a :class:`Context`, the module instance being
evaluated (:mod:`cwlint.terraform.modules`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import msgspec

from cwlint.terraform.files import FILE_FUNCTIONS, ModuleFiles, call_file_function
from cwlint.terraform.functions import call_function, first_unknown, to_number, to_text
from cwlint.terraform.syntax import (
    Binary,
    Call,
    Conditional,
    Expr,
    ForDirective,
    ForExpr,
    GetAttr,
    IfDirective,
    Index,
    Interpolation,
    Literal,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    TemplatePart,
    TupleExpr,
    Unary,
    Variable,
)
from cwlint.terraform.values import EvalError, TfRef
from cwlint.values import Partial, Unknown, concat

#: A traversal step: ("attr", name) or ("index", key value).
Step = tuple[str, Any]

_SPLAT = "\u0000splat"
_MAX_ITEMS = 10_000


class Lazy(Protocol):
    """A value whose attributes are computed on demand (a resource instance)."""

    def get_attribute(self, name: str) -> Any: ...

    def as_value(self) -> Any: ...


class Context(Protocol):
    """What a module instance tells the evaluator."""

    def resolve(self, root: str, steps: list[Step], scope: Scope) -> tuple[Any, list[Step]]:
        """The value a traversal from ``root`` (``var``, ``aws_iam_role``...) reaches, and
        the steps it did not consume."""
        ...


class _TemplateNames:
    """The context of a ``templatefile`` template: only its variables are defined."""

    def resolve(self, root: str, steps: list[Step], scope: Scope) -> tuple[Any, list[Step]]:
        return Unknown(f"{root} is not a variable of the template"), []


class Scope(msgspec.Struct):
    """Names bound while evaluating: ``count``, ``each``, for-expression variables, a
    dynamic block's iterator."""

    context: Context
    names: dict[str, Any] = msgspec.field(default_factory=dict)

    def bind(self, **names: Any) -> Scope:
        return Scope(self.context, {**self.names, **names})


def flatten_traversal(expr: Expr) -> tuple[str, list[Expr | str]] | None:
    """``aws_subnet.a[0].id`` as its root name and steps (str: attribute, Expr: index)."""
    steps: list[Expr | str] = []
    node = expr
    while True:
        if isinstance(node, GetAttr):
            steps.append(node.name)
            node = node.source
        elif isinstance(node, Index):
            steps.append(node.key)
            node = node.source
        elif isinstance(node, Variable):
            steps.reverse()
            return node.name, steps
        else:
            return None


#: What :func:`constant` returns for an expression that needs evaluating.
NOT_CONSTANT: Any = object()


def constant(expr: Expr) -> Any:
    """The value of an expression that needs no evaluation: a literal, or a string without
    interpolation or directive (most arguments of a configuration); else
    :data:`NOT_CONSTANT`. The value :meth:`Evaluator.evaluate` gives it in any scope."""
    kind = type(expr)
    if kind is Literal:
        return expr.value  # type: ignore[attr-defined]
    if kind is Template:
        parts = expr.parts  # type: ignore[attr-defined]
        if not parts:
            return ""
        if len(parts) == 1 and type(parts[0]) is str:
            return parts[0]
    return NOT_CONSTANT


class Evaluator:
    def __init__(self) -> None:
        self._methods: dict[type, Callable[[Any, Scope], Any]] = {}

    def evaluate(self, expr: Expr, scope: Scope) -> Any:
        kind = type(expr)
        method = self._methods.get(kind)
        if method is None:
            method = self._methods[kind] = getattr(self, "_" + kind.__name__)
        try:
            return method(expr, scope)
        except RecursionError:
            return Unknown("the expression nests too deeply to evaluate")

    # --- literals and templates ----------------------------------------------------------

    def _Literal(self, expr: Literal, scope: Scope) -> Any:
        return expr.value

    def _Template(self, expr: Template, scope: Scope) -> Any:
        parts = expr.parts
        if len(parts) == 1:
            part = parts[0]
            if type(part) is str:  # most strings: literal text only
                return part
            if isinstance(part, Interpolation):
                return plain(self.evaluate(part.expr, scope))  # "${x}" keeps x's type
        return concat(self.template_pieces(parts, scope))

    def template_pieces(self, parts: tuple[TemplatePart, ...], scope: Scope) -> list[Any]:
        pieces: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, Interpolation):
                pieces.append(to_text(plain(self.evaluate(part.expr, scope))))
            elif isinstance(part, IfDirective):
                condition = truth(self.evaluate(part.condition, scope))
                if isinstance(condition, Unknown):
                    pieces.append(Unknown(f"a template %{{if}} condition is not known "
                                          f"statically ({condition.reason})"))
                else:
                    pieces.extend(self.template_pieces(
                        part.then if condition else part.otherwise, scope))
            elif isinstance(part, ForDirective):
                collection = self.evaluate(part.collection, scope)
                items = _iterate(collection)
                if isinstance(items, Unknown):
                    pieces.append(items)
                    continue
                for key, value in items:
                    inner = scope.bind(**{part.value_var: value})
                    if part.key_var:
                        inner = inner.bind(**{part.key_var: key})
                    pieces.extend(self.template_pieces(part.body, inner))
        return pieces

    # --- collections ---------------------------------------------------------------------

    def item(self, expr: Expr, scope: Scope) -> Any:
        """The plain value of an item of a collection: a constant as it is (most items),
        anything else evaluated."""
        value = constant(expr)
        return plain(self.evaluate(expr, scope)) if value is NOT_CONSTANT else value

    def _TupleExpr(self, expr: TupleExpr, scope: Scope) -> Any:
        return [self.item(item, scope) for item in expr.items]

    def _ObjectExpr(self, expr: ObjectExpr, scope: Scope) -> Any:
        result: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = constant(key_expr)
            if type(key) is not str:
                key = to_text(self.evaluate(key_expr, scope))
                if not isinstance(key, str):
                    return Unknown("an object key is not known statically")
            result[key] = self.item(value_expr, scope)
        return result

    def _ForExpr(self, expr: ForExpr, scope: Scope) -> Any:
        collection = self.evaluate(expr.collection, scope)
        items = _iterate(collection)
        if isinstance(items, Unknown):
            return Unknown(f"a for expression over a collection that is not known "
                           f"statically ({items.reason})")
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, value in items:
            inner = scope.bind(**{expr.value_var: value})
            if expr.key_var:
                inner = inner.bind(**{expr.key_var: key})
            if expr.condition is not None:
                keep = truth(self.evaluate(expr.condition, inner))
                if isinstance(keep, Unknown):
                    return Unknown(f"a for expression's condition is not known statically "
                                   f"({keep.reason})")
                if not keep:
                    continue
            result = plain(self.evaluate(expr.value, inner))
            if expr.key is None:
                out_list.append(result)
                continue
            name = to_text(self.evaluate(expr.key, inner))
            if not isinstance(name, str):
                return Unknown("a key of a for expression is not known statically")
            if expr.grouping:
                out_map.setdefault(name, []).append(result)
            elif name in out_map:
                return Unknown(f"a for expression produces the key {name!r} twice")
            else:
                out_map[name] = result
        return out_list if expr.key is None else out_map

    # --- names and traversals ------------------------------------------------------------

    def _Variable(self, expr: Variable, scope: Scope) -> Any:
        return self._traversal(expr, scope)

    def _GetAttr(self, expr: GetAttr, scope: Scope) -> Any:
        return self._traversal(expr, scope)

    def _Index(self, expr: Index, scope: Scope) -> Any:
        return self._traversal(expr, scope)

    def _SplatItem(self, expr: SplatItem, scope: Scope) -> Any:
        return scope.names.get(_SPLAT, Unknown("a splat outside of a splat expression"))

    def _traversal(self, expr: Expr, scope: Scope) -> Any:
        flat = flatten_traversal(expr)
        if flat is None:  # a step applied to something that is not a name
            if isinstance(expr, GetAttr):
                return get_step(self.evaluate(expr.source, scope), ("attr", expr.name))
            assert isinstance(expr, Index)
            return get_step(self.evaluate(expr.source, scope),
                            ("index", self.evaluate(expr.key, scope)))
        root, raw_steps = flat
        steps: list[Step] = [("attr", s) if isinstance(s, str)
                             else ("index", plain(self.evaluate(s, scope))) for s in raw_steps]
        if root in scope.names:
            value: Any = scope.names[root]
            remaining = steps
        else:
            value, remaining = scope.context.resolve(root, steps, scope)
        for step in remaining:
            value = get_step(value, step)
        return value

    def _Splat(self, expr: Splat, scope: Scope) -> Any:
        source = self.evaluate(expr.source, scope)
        if isinstance(source, Unknown):
            return source
        if source is None:
            return []
        items = source if isinstance(source, list) else [source]
        return [plain(self.evaluate(expr.body, scope.bind(**{_SPLAT: item}))) for item in items]

    # --- operators and calls -------------------------------------------------------------

    def _Call(self, expr: Call, scope: Scope) -> Any:
        args = [plain(self.evaluate(arg, scope)) for arg in expr.args]
        if expr.expand_final and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return Unknown(f"the expanded arguments of {expr.name}() are not known "
                               f"statically ({last.reason})")
            if not isinstance(last, list):
                return Unknown(f"the expanded argument of {expr.name}() is not a list")
            args.extend(last)
        if "::" in expr.name:
            return Unknown(f"provider function {expr.name}() is not evaluated")
        if expr.name in FILE_FUNCTIONS:
            where = getattr(scope.context, "module_files", None)
            files: ModuleFiles | None = where() if callable(where) else None
            return call_file_function(expr.name, args, files, self.render_template)
        return call_function(expr.name, args)

    def render_template(self, text: str, variables: Mapping[str, Any]) -> Any:
        """``templatefile``: the template's text rendered with only ``variables`` (and
        functions) in scope, as Terraform renders it."""
        # imported here: plan inputs evaluate expressions without loading the HCL parser
        from cwlint.terraform.hcl import parse_template
        from cwlint.terraform.syntax import HclError

        try:
            template = parse_template(text, 1)
        except HclError as exc:
            return Unknown(f"templatefile() cannot parse its template ({exc})")
        return self._Template(template, Scope(_TemplateNames(), dict(variables)))

    def _Unary(self, expr: Unary, scope: Scope) -> Any:
        value = plain(self.evaluate(expr.operand, scope))
        if expr.op == "!":
            truth_value = truth(value)
            return truth_value if isinstance(truth_value, Unknown) else not truth_value
        number = to_number(value)
        return number if isinstance(number, Unknown) else -number

    def _Binary(self, expr: Binary, scope: Scope) -> Any:
        left = plain(self.evaluate(expr.left, scope))
        if expr.op in ("&&", "||"):
            decisive = expr.op == "||"  # the operand value that decides alone
            first = truth(left)
            if first is decisive:
                return decisive
            second = truth(plain(self.evaluate(expr.right, scope)))
            if second is decisive:
                return decisive
            if isinstance(first, Unknown):
                return first
            return second
        right = plain(self.evaluate(expr.right, scope))
        unknown = first_unknown([left, right])
        if expr.op in ("==", "!="):
            if unknown is not None:
                return Unknown(f"a comparison with a value not known statically "
                               f"({unknown.reason})")
            equal = _normalize(left) == _normalize(right)
            return equal if expr.op == "==" else not equal
        if unknown is not None:
            return unknown
        a, b = to_number(left), to_number(right)
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        operations: dict[str, Callable[[Any, Any], Any]] = {
            "+": operator.add, "-": operator.sub, "*": operator.mul, ">": operator.gt,
            ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        }
        if expr.op in operations:
            return operations[expr.op](a, b)
        if b == 0:
            return Unknown("division by zero")
        if expr.op == "/":
            result = a / b
            return int(result) if result.is_integer() else result
        return a % b

    def _Conditional(self, expr: Conditional, scope: Scope) -> Any:
        condition = truth(plain(self.evaluate(expr.condition, scope)))
        if not isinstance(condition, Unknown):
            return self.evaluate(expr.true if condition else expr.false, scope)
        true = plain(self.evaluate(expr.true, scope))
        false = plain(self.evaluate(expr.false, scope))
        if true == false and first_unknown(true) is None:
            return true
        return Unknown(f"a condition is not known statically ({condition.reason})")


def truth(value: Any) -> bool | Unknown:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Partial):
        return value.unknowns[0]
    return Unknown(f"a {type(value).__name__} used where a bool is expected")


def plain(value: Any) -> Any:
    """A lazily evaluated resource instance becomes its value (for comparisons, lists)."""
    as_value = getattr(value, "as_value", None)
    return as_value() if callable(as_value) else value


def get_step(value: Any, step: Step) -> Any:
    """One ``.attr`` or ``[key]`` step applied to a value."""
    kind, key = step
    getter = getattr(value, "get_attribute", None)
    if callable(getter):
        if kind == "attr":
            return getter(key)
        value = plain(value)
    if isinstance(value, TfRef):
        shown = key if kind == "attr" else f"[{key}]"
        attribute = f"{value.attribute}.{shown}" if kind == "attr" else f"{value.attribute}{shown}"
        return TfRef(value.reason, value.address, attribute)
    if isinstance(value, Unknown):
        return value
    if isinstance(key, (Unknown, Partial)):
        return Unknown(f"an index that is not known statically ({first_unknown(key).reason})")  # type: ignore[union-attr]
    if isinstance(value, Mapping):
        name = to_text(key)
        if isinstance(name, str) and name in value:
            return value[name]
        if kind == "attr" or not isinstance(name, str):
            return EvalError(f"there is no attribute or key {key!r}")
        return EvalError(f"there is no key {name!r}")
    if isinstance(value, list):
        if kind == "attr":
            return EvalError(f"a list has no attribute {key!r} (use a splat: [*].{key})")
        index = to_number(key)
        if isinstance(index, Unknown) or not float(index).is_integer():
            return EvalError(f"a list index {key!r} that is not a whole number")
        position = int(index)
        if 0 <= position < len(value):
            return value[position]
        return EvalError(f"list index {position} is out of range")
    if value is None:
        return EvalError("an attribute of a null value")
    return EvalError(f"a {type(value).__name__} has no attribute or index {key!r}")


def _iterate(collection: Any) -> list[tuple[Any, Any]] | Unknown:
    collection = plain(collection)
    if isinstance(collection, Unknown):
        return collection
    if isinstance(collection, Partial):
        return collection.unknowns[0]
    if isinstance(collection, Mapping):
        return [(k, collection[k]) for k in sorted(collection)][:_MAX_ITEMS]
    if isinstance(collection, list):
        return list(enumerate(collection))[:_MAX_ITEMS]
    if collection is None:
        return []
    return Unknown(f"a {type(collection).__name__} is not a collection")


def _normalize(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
