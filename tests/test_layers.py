"""The layers point one way: the domain (console's subpackages) loads without the web layer or Flask-Admin,
and the command line lists its commands without loading the development tools."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "console").rglob("*.py")
)


def loaded_after(code):
    """The project's and Flask-Admin's top-level packages loaded by `code` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(sorted({{n.split('.')[0] for n in sys.modules}} & {{'views', 'flask_admin', 'tools'}}))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_every_domain_module_loads_without_the_web_layer():
    assert len(DOMAIN) > 40
    assert loaded_after(f"import importlib\nfor name in {DOMAIN!r}:\n    importlib.import_module(name)") == "[]"


def test_the_command_line_lists_its_commands_without_the_development_tools():
    code = (
        "import sys\nfrom flask.cli import main\nsys.argv = ['flask', '--app', 'console', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) == "['flask_admin', 'views']"  # the app is built; bench and demo stay unloaded


def test_no_module_shadows_the_standard_library_or_a_console_view():
    names = {path.stem for path in (ROOT / "console").rglob("*.py")} - {"__init__"}
    views = {path.stem for path in (ROOT / "views" / "console").glob("*.py")} - {"__init__"}
    assert not names & sys.stdlib_module_names
    assert not names & views
