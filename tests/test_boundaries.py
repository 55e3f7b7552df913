"""Architecture boundaries, read from the source with ast (nothing is imported to check them).

- symbreak_core is pure NumPy: it imports only the standard library, numpy and itself (neither Streamlit nor Plotly);
  relabel.py also uses scipy.optimize's optimal assignment.
- figures/ (every chart) imports the standard library, numpy, plotly, the engine's constants and itself; no
  Streamlit (animation.py draws the GIF's frames with matplotlib and writes them with Pillow).
- narration/ (every sentence the app prints) and settings/ (links, controls, each page's settings) are pure: the
  standard library, numpy, the engine's constants and themselves; no Streamlit, no Plotly.
- Pages, app.py and ui/ build no Plotly figures themselves: they call the figures package. (Serving Plotly's
  assets or its JSON encoder, e.g. plotly.offline / plotly.io, or wrapping a finished spec in a go.Figure for
  st.plotly_chart, as ui/charts.py does, is not building a figure.)
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
# ui/charts.py wraps a finished spec in a go.Figure for st.plotly_chart (as_figure); it builds nothing
WRAPS_SPECS = {ROOT / "ui" / "charts.py": {"plotly.graph_objects"}}
STDLIB = set(sys.stdlib_module_names)
NARRATION_FILES = sorted((ROOT / "narration").glob("*.py"))
SETTINGS_FILES = sorted((ROOT / "settings").glob("*.py"))
FIGURE_FILES = sorted((ROOT / "figures").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Absolute dotted names imported by a file; relative imports resolved inside symbreak_core."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.parent.name if path.parent.parent == ROOT else ""
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
def test_core_is_pure_numpy(path):
    allowed = {"numpy", "symbreak_core", "__future__"} | STDLIB
    if path.name == "relabel.py":
        allowed.add("scipy")  # scipy.optimize.linear_sum_assignment: the optimal matching of hidden units
    bad = {n for n in imported_modules(path) if top(n) not in allowed}
    assert not bad, f"{path.name} imports {sorted(bad)}; symbreak_core may use only the standard library and numpy"


def test_figure_modules_exist():
    assert (ROOT / "figures" / "__init__.py").exists() and (ROOT / "figures" / "style.py").exists()


@pytest.mark.parametrize("path", FIGURE_FILES, ids=lambda p: p.name)
def test_figures_draw_without_streamlit(path):
    allowed = {"numpy", "plotly", "figures", "symbreak_core", "__future__"} | STDLIB  # the engine's constants
    if path.name == "animation.py":
        allowed |= {"matplotlib", "PIL"}  # the run's GIF: frames drawn by matplotlib (Agg), written by Pillow
    bad = {n for n in imported_modules(path) if top(n) not in allowed}
    assert not bad, f"figures/{path.name} imports {sorted(bad)}; a chart is a spec, built without Streamlit"


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


def test_importing_the_figures_loads_no_streamlit():
    loaded = frameworks_loaded_by("import figures")
    assert "streamlit" not in {m.split(".")[0] for m in loaded.split(",")}, f"import figures pulled in: {loaded}"


FIGURE_BUILDING = ("plotly.graph_objects", "plotly.graph_objs", "plotly.express", "plotly.subplots",
                   "plotly.figure_factory")


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pages_leave_figures_to_the_figure_module(path):
    names = imported_modules(path) - WRAPS_SPECS.get(path, set())
    bad = {n for n in names if any(n == m or n.startswith(m + ".") for m in FIGURE_BUILDING)}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}; Plotly figures are built only in figures/"


def test_the_chart_transport_only_wraps_finished_specs():
    """ui/charts.py may use go.Figure for as_figure only: no trace or layout objects, no subplots."""
    tree = ast.parse((ROOT / "ui" / "charts.py").read_text(encoding="utf-8"))
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "go"}
    assert used <= {"Figure"}, used


def test_narration_modules_exist():
    assert (ROOT / "narration" / "__init__.py").exists() and len(NARRATION_FILES) > 1


@pytest.mark.parametrize("path", NARRATION_FILES + SETTINGS_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_narration_and_settings_are_pure(path):
    # the engine's constants and types; settings may read the narration's menu words
    allowed = {"numpy", "narration", "settings", "symbreak_core", "__future__"} | STDLIB
    names = imported_modules(path)
    bad = {n for n in names if top(n) not in allowed}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}; pure Python: no Streamlit, no Plotly"


@pytest.mark.parametrize("package", ["narration", "settings"])
def test_importing_the_narration_and_settings_loads_neither_streamlit_nor_plotly(package):
    loaded = frameworks_loaded_by(
        f"import pkgutil, importlib, {package};"
        f"[importlib.import_module('{package}.' + m.name) for m in pkgutil.iter_modules({package}.__path__)]")
    assert loaded == "", f"importing {package} pulled in: {loaded}"
