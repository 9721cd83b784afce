"""What a function's code does to the table, read from the source: the ground truth for its role.

From the handler module, follow every function, class and method the code can reach (by name,
through each module's imports; a method by its name on the classes the code instantiates), and
collect the DynamoDB client calls in what was reached: ``get_item``, ``query`` and so on, the
item kinds of its transactions (Put, Update, Delete, ConditionCheck) and the indexes it names.
Library classes reached (Powertools' idempotency layer) count by the calls in their source.
It over-approximates by name, never under: a call that is in the reachable code is found.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from infra.topology import TOPOLOGY, TableAccess

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("functions", "shared", "events")
# boto3 client method -> IAM action (transact_write_items: the action of each item, below).
CLIENT_CALLS = {"get_item": "GetItem", "batch_get_item": "BatchGetItem", "query": "Query", "scan": "Scan",
                "put_item": "PutItem", "update_item": "UpdateItem", "delete_item": "DeleteItem",
                "batch_write_item": "BatchWriteItem", "transact_get_items": "GetItem",
                "execute_statement": "PartiQL", "transact_write_items": ""}
TRANSACTION_ITEMS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}
INDEXES = {name for name, _, _ in TOPOLOGY.table.global_indexes}


@dataclass
class Module:
    name: str
    tree: ast.Module
    aliases: dict[str, str]  # local name -> dotted target (module or object)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]  # top-level name -> node
    assigned: dict[str, ast.expr]  # top-level variable -> its value (constants such as an index name)


@cache
def modules() -> dict[str, Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            tree = ast.parse(path.read_text(), str(path))
            aliases: dict[str, str] = {}
            for node in ast.walk(tree):  # imports inside functions too (lazy imports)
                if isinstance(node, ast.Import):
                    for a in node.names:
                        aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    base = node.module if not node.level else _relative(name, node.level, node.module)
                    for a in node.names:
                        aliases[a.asname or a.name] = f"{base}.{a.name}"
            defs = {n.name: n for n in tree.body
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
            assigned = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign | ast.AnnAssign) and n.value
                        for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
            found[name] = Module(name, tree, aliases, defs, assigned)
    return found


def _relative(module: str, level: int, target: str) -> str:
    return ".".join([*module.split(".")[:-level], target])


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """ast.walk without annotations: a type named in a signature is not code that runs."""
    yield node
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns"):
            continue
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST):
                yield from _walk(child)


@dataclass
class Reach:
    done: set[str] = field(default_factory=set)  # "module:qualname" of defs and classes reached
    classes: list[tuple[Module, ast.ClassDef]] = field(default_factory=list)
    libraries: set[str] = field(default_factory=set)  # dotted names of third-party objects reached
    names: set[str] = field(default_factory=set)  # attribute names used (method calls and references)
    nodes: list[ast.AST] = field(default_factory=list)  # bodies reached, for the scan of calls

    def target(self, dotted: str) -> None:
        """A dotted name from an import: one of our definitions, one of our modules, or a library's."""
        table = modules()
        if dotted in table:
            return
        module, _, name = dotted.rpartition(".")
        if module in table:
            if name in table[module].defs:
                self.definition(table[module], name)
            elif f"{module}.{name}" not in table:
                self.resolve(table[module], name)  # re-exported
        elif dotted.split(".")[0] not in PACKAGES:
            self.libraries.add(dotted)

    def resolve(self, module: Module, name: str) -> None:
        if name in module.defs:
            self.definition(module, name)
        elif name in module.assigned and f"{module.name}={name}" not in self.done:
            self.done.add(f"{module.name}={name}")
            self.body(module, module.assigned[name])
        elif name in module.aliases:
            self.target(module.aliases[name])

    def definition(self, module: Module, name: str) -> None:
        key = f"{module.name}:{name}"
        if key in self.done:
            return
        self.done.add(key)
        node = module.defs[name]
        if isinstance(node, ast.ClassDef):
            self.classes.append((module, node))
            for base in node.bases:
                self.body(module, base)
            for method in node.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and method.name.startswith("__"):
                    self.method(module, node, method)
                elif not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.body(module, method)
            self.methods_named()
        else:
            self.body(module, node)

    def method(self, module: Module, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        key = f"{module.name}:{cls.name}.{method.name}"
        if key not in self.done:
            self.done.add(key)
            self.body(module, method)

    def methods_named(self) -> None:
        """Methods of the classes reached whose names the reached code uses (to a fixed point)."""
        for module, cls in list(self.classes):
            for method in cls.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and method.name in self.names:
                    self.method(module, cls, method)

    def body(self, module: Module, node: ast.AST) -> None:
        self.nodes.append(node)
        for child in _walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                self.resolve(module, child.id)
            elif isinstance(child, ast.Attribute):
                owner = child.value
                if isinstance(owner, ast.Name) and owner.id in module.aliases and module.aliases[owner.id] in modules():
                    self.resolve(modules()[module.aliases[owner.id]], child.attr)
                elif child.attr not in self.names:
                    self.names.add(child.attr)
                    self.methods_named()


def reach(handler: str) -> Reach:
    found = Reach()
    module = modules()[handler]
    found.body(module, module.tree)
    for name in module.defs:
        found.definition(module, name)
    return found


def _library_calls(dotted: str) -> set[str]:
    """Client calls in the source of a library class that makes a DynamoDB client, else none."""
    module, _, name = dotted.rpartition(".")
    if not module or module.split(".")[0] in ("infra", "typing", "collections", "__future__"):
        return set()
    try:
        obj = getattr(importlib.import_module(module), name)
        source = inspect.getsource(obj) if inspect.isclass(obj) else ""
    except (ImportError, AttributeError, TypeError, OSError, ValueError):
        return set()
    if '"dynamodb"' not in source and "'dynamodb'" not in source:
        return set()
    return {call for call in re.findall(r"\.(\w+)\(", source) if call in CLIENT_CALLS}


@cache
def table_access(handler: str) -> TableAccess:
    """The table actions and queried indexes of the code this handler can reach."""
    found = reach(handler)
    calls: set[str] = set()
    table_query = False
    transaction_items: set[str] = set()
    strings: set[str] = set()
    for node in found.nodes:
        for child in _walk(node):
            if isinstance(child, ast.Call) and child.args and isinstance(child.args[0], ast.Constant) \
                    and child.args[0].value in TRANSACTION_ITEMS:  # a transaction's add("Update", ...)
                transaction_items.add(str(child.args[0].value))
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in CLIENT_CALLS):
                calls.add(child.func.attr)
                words = {k.arg for k in child.keywords}
                explicit = "KeyConditionExpression" in words or None not in words  # not only **kwargs
                table_query |= child.func.attr == "query" and explicit and "IndexName" not in words
            elif isinstance(child, ast.Dict):
                keys = {k.value for k in child.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                transaction_items |= keys & TRANSACTION_ITEMS.keys()
                table_query |= "KeyConditionExpression" in keys and "IndexName" not in keys
            elif isinstance(child, ast.Constant) and isinstance(child.value, str):
                strings.add(child.value)
    for library in found.libraries:
        calls |= _library_calls(library)
    actions = {CLIENT_CALLS[c] for c in calls if c not in ("query", "transact_write_items")}
    if "transact_write_items" in calls:
        actions |= {TRANSACTION_ITEMS[kind] for kind in transaction_items}
    indexes = strings & INDEXES if "query" in calls else set()
    if "query" in calls and (table_query or not indexes):
        actions.add("Query")
    return TableAccess(actions=tuple(sorted(actions)), indexes=tuple(sorted(indexes)))
