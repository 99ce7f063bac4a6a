"""Fail when one app imports another app's private names (`from cases.selectors import _x`).

A leading underscore says "this may change without notice"; inside its own app that is fine,
across apps it is a dependency nobody can see. import-linter checks which packages import which
(the floors); this checks what they take. Run by `make lint`.
"""

import ast
import sys
from pathlib import Path

PACKAGES = ("core", "departments", "cases", "knowledgebase", "notifications", "hotline")
ROOT = Path(__file__).resolve().parent.parent


def private_imports(path: Path) -> list[str]:
    home = path.relative_to(ROOT).parts[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        parts = node.module.split(".")
        if parts[0] not in PACKAGES or parts[0] == home:
            continue
        names = [a.name for a in node.names]
        private = [p for p in parts[1:] if p.startswith("_") and not p.startswith("__")]
        private += [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}: {private}")
    return found


def main() -> int:
    problems = [
        line
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in private_imports(path)
    ]
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} import(s) of another app's private names", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
