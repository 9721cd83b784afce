"""The shape the code keeps (issue 9), checked on the source so that a shortcut fails a test:
ports speak domain objects, transactions have one home, expressions are built and not patched,
domain code knows nothing of AWS or HTTP, use cases take keyword arguments, fakes are not shipped."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "shared"
DOMAINS = sorted(p for p in SHARED.iterdir() if p.is_dir() and p.name not in {"adapters", "http", "__pycache__"})


def _sources(*roots: Path) -> list[Path]:
    return sorted(path for root in roots for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_ports_speak_domain_objects_not_storage_shapes() -> None:
    """No raw DynamoDB item crosses a port, and no port takes writes of another store (``extra=``)."""
    offenders = []
    for ports in sorted(SHARED.glob("*/ports.py")):
        tree = ast.parse(ports.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                annotations = ast.unparse(node)
                if "extra" in names or re.search(r"dict\[str, Any\]", annotations):
                    offenders.append(f"{_relative(ports)}:{node.lineno} {node.name}")
    assert offenders == []


def test_transactions_are_written_in_one_place() -> None:
    """Item limits, conflict retries and the request token live in the transaction module only."""
    home = SHARED / "adapters" / "dynamodb_transaction.py"
    offenders = [_relative(path) for path in _sources(SHARED, ROOT / "functions")
                 if path != home and re.search(r"\brun_transaction\(|transact_write_items\(", path.read_text())]
    assert offenders == []


def test_expressions_are_built_not_edited() -> None:
    """Appending to or replacing text in another function's expression silently breaks when it changes."""
    surgery = re.compile(r'(Update|Condition)Expression"\]\s*(\+=|\.replace\()|Expression"\]\.replace\(')
    offenders = [_relative(path) for path in _sources(SHARED) if surgery.search(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda path: path.name)
def test_domain_code_imports_no_aws_and_no_http(domain: Path) -> None:
    forbidden = re.compile(r"^\s*(from|import) (boto3|botocore|aws_lambda_powertools|shared\.adapters|shared\.http)\b",
                           re.MULTILINE)
    offenders = [_relative(path) for path in _sources(domain) if forbidden.search(path.read_text())]
    assert offenders == []


def test_no_store_takes_another_store() -> None:
    """A DynamoDB store is made from a table name; what it writes with others goes through a transaction."""
    offenders = []
    for path in sorted((SHARED / "adapters").glob("dynamodb_*.py")):
        for cls in (node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ClassDef)):
            for init in (node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__init__"):
                names = [a.arg for a in (*init.args.args[1:], *init.args.kwonlyargs)]
                if "table_name" in names and names != ["table_name"]:
                    offenders.append(f"{_relative(path)} {cls.name}: {names}")
    assert offenders == []


def _use_cases() -> list[tuple[str, object]]:
    found = []
    for path in [*sorted(SHARED.glob("*/service.py")), SHARED / "purchases" / "till.py"]:
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.append((f"{module.__name__}.{name}", function))
    return found


def test_use_cases_take_keyword_arguments() -> None:
    """``record_change(store, directory, ERP, "SKU-A", ...)`` cannot be read; every use case is keyword-only."""
    positional = [name for name, function in _use_cases()
                  if any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                         for p in inspect.signature(function).parameters.values())]  # type: ignore[arg-type]
    assert positional == []


def test_fakes_live_with_the_tests_and_are_not_shipped() -> None:
    shipped = [_relative(path) for path in _sources(SHARED) if re.search(r"class Memory\w+Store", path.read_text())]
    assert shipped == []
