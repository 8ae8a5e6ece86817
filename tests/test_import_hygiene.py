"""db/ and exports/ stay headless: importing every module there loads neither Textual nor tui."""

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str):
    yield package
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        yield info.name


def test_core_never_imports_the_ui():
    names = [*_modules("db"), *_modules("exports")]
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'tui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"db/exports imported the UI: {out.stdout}"


def test_cli_help_does_not_load_textual():
    code = ("import sys\nfrom cli import build_parser\nbuild_parser()\n"
            "print('textual' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_opening_the_app_does_not_build_the_command_parser():
    """`siso` and `siso --db X --lang en` go straight to the app: no command module is loaded."""
    from cli import _app_only_args

    args = _app_only_args(["--db", "x.sqlite3", "--lang", "en"])
    assert (args.db, args.lang, args.user) == ("x.sqlite3", "en", None)
    assert _app_only_args([]) is not None
    for argv in (["student", "list"], ["--version"], ["-h"], ["--db", "x", "check"], ["--lang", "fr"]):
        assert _app_only_args(argv) is None
