"""The core stays usable without a browser: no geo module imports Streamlit."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_geo_never_imports_streamlit():
    modules = sorted(p.stem for p in (ROOT / "geo").glob("*.py") if p.stem not in ("__main__",))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module('geo.' + m if m != '__init__' else 'geo')\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_page_has_no_bare_strings_that_streamlit_magic_would_print():
    import ast

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    stray = [n.lineno for n in tree.body[1:] if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)]
    assert stray == [], f"app.py lines {stray}: Streamlit renders a bare string as Markdown"


def test_every_setting_is_documented_in_the_readme():
    from geo.settings import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in Settings.describe() if f"`{name}`" not in readme]
    assert missing == [], f"settings not in the README's table: {missing}"
