"""ARCHITECTURE.md's layers, checked on the source: who may import whom, and no import circle.

Reads every project module's imports with ``ast`` (module level and inside functions alike), so a
new import that breaks a rule fails here with the file and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from geo.paths import ROOT

PACKAGES = ("geo", "ui", "screens", "server", "deploy", "bench", "tests", "streamlit_boundary")
# Which top-level parts each part may import (besides itself and third-party packages).
ALLOWED = {
    "streamlit_boundary": set(),  # Streamlit's private parts, and nothing of ours
    "geo": {"streamlit_boundary"},  # its URL paths only (streamlit_boundary.urls imports no streamlit)
    "ui": {"geo", "streamlit_boundary"},
    "screens": {"geo", "ui"},
    "shell": {"geo", "ui"},
    "server": {"geo", "streamlit_boundary"},  # runs outside a script run: no ui/ (st.session_state), no screens/
    "app": {"server"},
    "deploy": {"geo", "server", "streamlit_boundary"},  # the first visit's file list (server.firstvisit)
    "run": set(),
    "bench": {"geo", "ui", "server", "deploy", "tests", "run", "streamlit_boundary"},
    "tests": {"geo", "ui", "server", "deploy", "screens", "run", "streamlit_boundary"},
}

Source = tuple[str, str]  # (module name, source text)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _tree() -> dict[str, tuple[Path, str]]:
    top = [ROOT / "app.py", ROOT / "shell.py", ROOT / "run.py"]
    files = top + [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return {_module_name(p): (p, p.read_text(encoding="utf-8")) for p in files if p.is_file()}


TREE = _tree()


def imports(name: str, text: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module's source; relative imports resolved.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a module of its own).
    """
    package = name if is_package else name.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((node.lineno, mod))
            out += [(node.lineno, f"{mod}.{alias.name}") for alias in node.names]
    return out


def _own(name: str, text: str, known: set[str]) -> list[tuple[int, str]]:
    is_package = TREE.get(name, (Path(""),))[0].name == "__init__.py"
    return [(line, mod) for line, mod in imports(name, text, is_package) if mod in known and mod != name]


def layer_violations(sources: dict[str, str], known: set[str]) -> list[str]:
    wrong = []
    for name, text in sources.items():
        part = name.split(".")[0]
        for line, mod in _own(name, text, known):
            if mod.split(".")[0] not in ALLOWED[part] | {part}:
                wrong.append(f"{name}:{line} imports {mod}")
    return wrong


def domain_violations(sources: dict[str, str]) -> list[str]:
    """geo/ (but its command line) never imports streamlit nor geo.cli."""
    wrong = []
    for name, text in sources.items():
        if name.split(".")[0] != "geo" or name == "geo.cli" or name.startswith("geo.cli.") or name == "geo.__main__":
            continue
        for line, mod in imports(name, text):
            if mod.split(".")[0] == "streamlit" or mod == "geo.cli" or mod.startswith("geo.cli."):
                wrong.append(f"{name}:{line} imports {mod}")
    return wrong


def server_violations(sources: dict[str, str]) -> list[str]:
    """server/ never imports streamlit: it answers outside any script run (no st.session_state, no st.cache_*)."""
    return [
        f"{name}:{line} imports {mod}"
        for name, text in sources.items()
        if name.split(".")[0] == "server"
        for line, mod in imports(name, text)
        if mod.split(".")[0] == "streamlit"
    ]


def test_module_violations(sources: dict[str, str], known: set[str]) -> list[str]:
    """No test module imports another test module (shared helpers live in tests/support)."""
    return [
        f"{name}:{line} imports {mod}"
        for name, text in sources.items()
        if name.startswith("tests.")
        for line, mod in _own(name, text, known)
        if mod.startswith("tests.test_")
    ]


test_module_violations.__test__ = False  # a checker, not a test


def circles(sources: dict[str, str], known: set[str]) -> list[list[str]]:
    graph = {name: {m for _line, m in _own(name, text, known)} for name, text in sources.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):  # a package's __init__ importing its own module
                continue
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


SOURCES = {name: text for name, (_path, text) in TREE.items()}
KNOWN = set(TREE)


def test_every_layer_imports_only_what_it_may():
    assert not layer_violations(SOURCES, KNOWN), "\n".join(layer_violations(SOURCES, KNOWN))


def test_the_domain_never_imports_streamlit_or_its_command_line():
    assert not domain_violations(SOURCES), "\n".join(domain_violations(SOURCES))


def test_the_server_layer_never_imports_streamlit():
    assert not server_violations(SOURCES), "\n".join(server_violations(SOURCES))


def test_no_test_module_imports_another():
    assert not test_module_violations(SOURCES, KNOWN), "\n".join(test_module_violations(SOURCES, KNOWN))


def test_no_import_circle():
    assert not circles(SOURCES, KNOWN), "\n".join(" → ".join(c) for c in circles(SOURCES, KNOWN))


def test_the_checks_see_each_kind_of_break():
    """Each check above fails on a tree that breaks its rule (so a green run means something)."""
    known = KNOWN | {"geo.bad", "tests.test_bad"}
    assert layer_violations({"geo.bad": "from ui import session\n"}, known) == [
        "geo.bad:1 imports ui",
        "geo.bad:1 imports ui.session",
    ]
    assert layer_violations({"deploy.bad": "import bench.load\n"}, known) == ["deploy.bad:1 imports bench.load"]
    assert domain_violations({"geo.bad": "def f():\n    import streamlit as st\n"}) == ["geo.bad:2 imports streamlit"]
    assert server_violations({"server.bad": "from streamlit import session_state\n"}) == [
        "server.bad:1 imports streamlit",
        "server.bad:1 imports streamlit.session_state",
    ]
    assert layer_violations({"server.bad": "from ui import session\n"}, known) == [
        "server.bad:1 imports ui",
        "server.bad:1 imports ui.session",
    ]
    assert test_module_violations({"tests.test_bad": "from tests.test_join import x\n"}, known)
    loop = {"geo.a_": "from geo import b_\n", "geo.b_": "from . import a_\n"}
    assert circles(loop, known | set(loop)) == [["geo.a_", "geo.b_", "geo.a_"]]


# --- Streamlit's private parts: one boundary -------------------------------------------------------------

PRIVATE = ("ForwardMsg", "BackMsg", "streamlit.proto", "streamlit.runtime", "_stcore", "data-testid", "index.html")
PRODUCTION = ("geo", "ui", "screens", "server", "deploy", "shell", "app")


def private_streamlit_outside_the_boundary(sources: dict[str, str]) -> list[str]:
    """Every production module that names one of Streamlit's private parts outside ``streamlit_boundary``."""
    import re

    hashed = re.compile(r"\bmain\.[0-9a-f]{8}\.js\b")
    wrong = []
    for name, text in sources.items():
        if name.split(".")[0] not in PRODUCTION:
            continue
        for word in PRIVATE:
            if word in text:
                wrong.append(f"{name} names {word}")
        if hashed.search(text):
            wrong.append(f"{name} names a hashed bundle")
    return wrong


def test_streamlits_private_parts_are_named_only_in_its_boundary():
    assert not private_streamlit_outside_the_boundary(SOURCES), "\n".join(
        private_streamlit_outside_the_boundary(SOURCES)
    )
    assert private_streamlit_outside_the_boundary({"ui.bad": "x = '[data-testid=\"stHeader\"]'"}) == [
        "ui.bad names data-testid"
    ]


def test_the_domain_takes_only_the_boundarys_url_paths():
    """geo/ never imports streamlit, so of the boundary it may take only ``urls`` (which imports nothing)."""
    wrong = [
        f"{name}:{line} imports {mod}"
        for name, text in SOURCES.items()
        if name.split(".")[0] == "geo"
        for line, mod in _own(name, text, KNOWN)
        if mod.startswith("streamlit_boundary") and mod not in ("streamlit_boundary", "streamlit_boundary.urls")
    ]
    assert not wrong, "\n".join(wrong)


# --- settings: one place ---------------------------------------------------------------------------------

SETTINGS_READERS = {"geo.settings"}  # and st.secrets in ui.auth (Streamlit's own reader, for st.login and AppTest)


def settings_read_outside_their_module(sources: dict[str, str]) -> list[str]:
    """Production modules that read the environment or secrets.toml themselves (run.py and deploy/ set up
    processes and pass environments on: they may)."""
    import re

    reads = re.compile(r"os\.environ|os\.getenv|getenv\(|tomllib\.load|st\.secrets")
    wrong = []
    for name, text in sources.items():
        part = name.split(".")[0]
        if part not in ("geo", "ui", "screens", "server", "shell", "app") or name in SETTINGS_READERS:
            continue
        for line_no, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            if reads.search(code) and not (name == "ui.auth" and "st.secrets" in code):
                wrong.append(f"{name}:{line_no} {line.strip()[:80]}")
    return wrong


def test_settings_are_read_only_in_the_settings_module():
    assert not settings_read_outside_their_module(SOURCES), "\n".join(settings_read_outside_their_module(SOURCES))
    assert settings_read_outside_their_module({"server.bad": "import os\nx = os.environ.get('A')\n"}) == [
        "server.bad:2 x = os.environ.get('A')"
    ]
