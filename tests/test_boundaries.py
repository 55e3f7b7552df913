"""Architecture boundaries, read from the source with ast (nothing is imported to check them).

- symbreak_core is pure NumPy: it imports only the standard library, numpy and itself.
- No module of symbreak_core imports streamlit; only symbreak_core/figures.py imports plotly.
- No numeric module of symbreak_core (every module but figures.py, __init__.py included) imports figures.
- narration/ (every sentence the app prints) is pure: the standard library, numpy, the engine's constants and
  itself; no Streamlit, no Plotly.
- Pages, app.py and ui.py build no Plotly figures themselves: they call symbreak_core.figures. (Serving
  Plotly's assets or its JSON encoder, e.g. plotly.offline / plotly.io, is not building a figure.)
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "symbreak_core"
CORE_FILES = sorted(CORE.glob("*.py"))
PAGE_FILES = sorted(p for p in [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]
                    if p.exists())
STDLIB = set(sys.stdlib_module_names)
NARRATION_FILES = sorted((ROOT / "narration").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Absolute dotted names imported by a file; relative imports resolved inside symbreak_core."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.parent.name if path.parent in (CORE, ROOT / "narration") else ""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = package if node.level == 1 else ""
                mod = f"{base}.{node.module}" if node.module else base
                if node.module is None:  # from . import figures, model
                    names.update(f"{base}.{alias.name}" for alias in node.names)
                else:
                    names.add(mod)
            else:
                names.add(node.module or "")
                # from symbreak_core import figures
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call):
            # importlib.import_module("x") / __import__("x") with a literal name
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname in {"import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def test_core_modules_exist():
    assert CORE_FILES, "symbreak_core/ has no modules"
    assert (CORE / "__init__.py").exists()


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_core_never_imports_streamlit(path):
    bad = {n for n in imported_modules(path) if top(n) == "streamlit"}
    assert not bad, f"{path.name} imports {sorted(bad)}; the engine must not know about Streamlit"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_only_figures_imports_plotly(path):
    bad = {n for n in imported_modules(path) if top(n) == "plotly"}
    if path.name != "figures.py":
        assert not bad, f"{path.name} imports {sorted(bad)}; only symbreak_core/figures.py may use Plotly"


@pytest.mark.parametrize("path", [p for p in CORE_FILES if p.name != "figures.py"], ids=lambda p: p.name)
def test_numeric_modules_never_import_figures(path):
    bad = {n for n in imported_modules(path) if n == "symbreak_core.figures" or n.startswith("symbreak_core.figures.")}
    assert not bad, f"{path.name} imports the figure module; numbers must not depend on drawing"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_core_is_pure_numpy(path):
    allowed = {"numpy", "symbreak_core", "__future__"} | STDLIB
    if path.name == "figures.py":
        allowed.add("plotly")
    bad = {n for n in imported_modules(path) if top(n) not in allowed}
    assert not bad, f"{path.name} imports {sorted(bad)}; symbreak_core may use only the standard library and numpy"


def frameworks_loaded_by(imports: str) -> str:
    """Run `imports` in a clean interpreter; the Streamlit and Plotly modules it loaded, comma-separated."""
    code = (
        f"import sys; {imports};"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('streamlit','plotly')];"
        "print(','.join(sorted(bad)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_importing_the_engine_loads_neither_streamlit_nor_plotly():
    """Run-time check of the same rule: `import symbreak_core` in a clean interpreter."""
    loaded = frameworks_loaded_by("import symbreak_core")
    assert loaded == "", f"import symbreak_core pulled in: {loaded}"


FIGURE_BUILDING = ("plotly.graph_objects", "plotly.graph_objs", "plotly.express", "plotly.subplots",
                   "plotly.figure_factory")


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pages_leave_figures_to_the_figure_module(path):
    names = imported_modules(path)
    bad = {n for n in names if any(n == m or n.startswith(m + ".") for m in FIGURE_BUILDING)}
    assert not bad, (
        f"{path.relative_to(ROOT)} imports {sorted(bad)}; Plotly figures are built only in symbreak_core/figures.py"
    )


def test_narration_modules_exist():
    assert (ROOT / "narration" / "__init__.py").exists() and len(NARRATION_FILES) > 1


@pytest.mark.parametrize("path", NARRATION_FILES, ids=lambda p: p.name)
def test_narration_is_pure_words(path):
    allowed = {"numpy", "narration", "symbreak_core", "__future__"} | STDLIB  # the engine's constants and types
    names = imported_modules(path)
    bad = {n for n in names if top(n) not in allowed}
    assert not bad, f"narration/{path.name} imports {sorted(bad)}; sentences come from numbers, without Streamlit"


def test_importing_the_narration_loads_neither_streamlit_nor_plotly():
    loaded = frameworks_loaded_by(
        "import pkgutil, importlib, narration;"
        "[importlib.import_module('narration.' + m.name) for m in pkgutil.iter_modules(narration.__path__)]")
    assert loaded == "", f"importing narration pulled in: {loaded}"
