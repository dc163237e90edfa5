"""The exception tree drawn in db/errors.py is the real one: every class drawn exists and
subclasses the class it hangs from, and every exception class the packages define is
drawn (private helpers aside)."""

from __future__ import annotations

import ast
import importlib
import re

import db.errors
from tests.support.paths import ROOT

PACKAGES = ("bea_tracker", "scraper", "notifier", "db")
ERROR_MODULES = ("db.errors", "scraper.errors", "notifier.errors", "bea_tracker.errors")
_LINE = re.compile(r"^(?P<indent>[ |]*)(?:\+-- )?(?P<name>[A-Z]\w+)")


def drawn_tree() -> dict[str, str | None]:
    """{class name: parent name} from the docstring's drawing."""
    drawing = db.errors.__doc__.split("::", 1)[1].split("\n\n")[1]
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in drawing.splitlines():
        match = _LINE.match(line.strip("\n"))
        assert match, line
        depth = len(match["indent"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match["name"]] = stack[-1][1] if stack else None
        stack.append((depth, match["name"]))
    return parents


def defined_classes() -> dict[str, type]:
    classes = {}
    for name in ERROR_MODULES:
        module = importlib.import_module(name)
        classes.update({k: v for k, v in vars(module).items()
                        if isinstance(v, type) and issubclass(v, BaseException)})
    return classes


def test_every_drawn_class_exists_under_its_parent():
    classes = defined_classes()
    tree = drawn_tree()
    assert len(tree) > 15
    for name, parent in tree.items():
        assert name in classes, f"{name} is drawn but defined in no errors module"
        if parent is not None:
            assert issubclass(classes[name], classes[parent]), f"{name} is not a {parent}"
    assert all(issubclass(c, db.errors.BeaTrackerError) for n, c in classes.items()
               if n in tree)


def test_every_exception_the_packages_define_is_drawn():
    tree = drawn_tree()
    base_names = set(tree) | {"Exception", "ValueError", "RuntimeError", "BaseException"}
    undrawn = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                    continue
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                         for b in node.bases}
                if bases & base_names and node.name not in tree:
                    undrawn.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert undrawn == []
