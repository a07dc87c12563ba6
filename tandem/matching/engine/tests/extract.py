"""Find every message the engine translates: calls to ``_``, ``N_`` and ``n_`` with literals."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1]


def engine_messages() -> dict[str, str | None]:
    """msgid -> msgid_plural (None for singular messages), from the engine's sources."""
    found: dict[str, str | None] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        if "tests" in path.relative_to(ENGINE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args = node.args
            if node.func.id in ("_", "N_") and args and _literal(args[0]):
                found.setdefault(_text(args[0]), None)
            elif (
                node.func.id == "n_" and len(args) >= 2 and _literal(args[0]) and _literal(args[1])
            ):
                found[_text(args[0])] = _text(args[1])
    return found


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _text(node: ast.AST) -> str:
    """The string of a node `_literal` accepted."""
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value
