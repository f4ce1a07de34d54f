"""The package's layers: a module imports only from its own layer or the ones below, and no
import circle joins modules, however deep in a function the import is hidden."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import corpus

PACKAGE = Path(corpus.__file__).parent

LAYERS: dict[str, int] = {
    # 0, the ground floor: the output layout, its reading and writing in plain Python, the
    # error every bad input raises, the process's terminal, log and interruption.
    "corpus": 0,
    "corpus.accounting": 0,
    "corpus.atomic_files": 0,
    "corpus.config_section": 0,
    "corpus.errors": 0,
    "corpus.interrupted": 0,
    "corpus.io": 0,
    "corpus.layout": 0,
    "corpus.model_files": 0,
    "corpus.read_progress": 0,
    "corpus.run_log": 0,
    "corpus.schema": 0,
    "corpus.terminal": 0,
    "corpus.text": 0,
    # 1, the core: plain Python, each stage's work on one record or one file.
    "corpus.blend": 1,
    "corpus.dedup": 1,
    "corpus.paragraph_stats": 1,
    "corpus.extract": 1,
    "corpus.filters": 1,
    "corpus.quality": 1,
    "corpus.remote": 1,
    "corpus.sample": 1,
    "corpus.sources": 1,
    "corpus.tokenize": 1,
    "corpus.warc": 1,
    # 2, the run's configuration, assembled from the core's parts.
    "corpus.config": 2,
    # 3, the report: reads a run's outputs through the ground floor.
    "corpus.report": 3,
    # 4, the Beam layer: the stages as composite transforms, and the run.
    "corpus.pipelines": 4,
    # 5, the commands and the references generated from the code.
    "corpus.beam_flags": 5,
    "corpus.cli": 5,
    "corpus.config_reference": 5,
    "corpus.schema_reference": 5,
}


def module_files() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("corpus", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def corpus_module(name: str) -> str | None:
    """The module of the package that `name` (a module, or a name in one) is, or is in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """The package's modules `module` imports, at any depth (functions, `TYPE_CHECKING`)."""
    path = MODULES[module]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package_of(module, path).split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name == "corpus" or name.startswith("corpus."):
                target = corpus_module(name)
                if target is not None and target != module:
                    found.add(target)
    return found


GRAPH = {module: imports(module) for module in MODULES}


def layer(module: str) -> int:
    """The layer of the module, or of the innermost package listed that holds it (the
    package `corpus` itself holds none: a new module of its own needs a line)."""
    name = module
    while name not in LAYERS or (name == "corpus" and module != "corpus"):
        if "." not in name:
            raise AssertionError(f"{module} has no layer: add it (or its package) to LAYERS")
        name = name.rpartition(".")[0]
    return LAYERS[name]


def upward_imports() -> set[tuple[str, str]]:
    return {
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if layer(target) > layer(module)
    }


def cycles() -> list[list[str]]:
    """The graph's strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(GRAPH[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer(module)
    assert len(MODULES) > 100  # the scan found the package


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = sorted(upward_imports())
    assert not upward, "imports from a higher layer: " + ", ".join(f"{a} -> {b}" for a, b in upward)


def test_no_import_circle() -> None:
    assert cycles() == []


def test_the_checks_can_fail() -> None:
    """The scan sees imports at every depth, a module of no listed layer is refused, and the
    cycle search finds a circle."""
    with pytest.raises(AssertionError, match="no layer"):
        layer("corpus.unlisted")
    assert "corpus.layout" in GRAPH["corpus.report.write"]
    lazy = [m for m, path in MODULES.items() if "\n    from corpus." in path.read_text()]
    assert lazy and all(GRAPH[m] for m in lazy)
    GRAPH["corpus.layout"].add("corpus.report.write")
    try:
        assert any("corpus.layout" in component for component in cycles())
        assert ("corpus.layout", "corpus.report.write") in upward_imports()
    finally:
        GRAPH["corpus.layout"].discard("corpus.report.write")
