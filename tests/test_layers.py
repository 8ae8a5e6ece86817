"""The layers hold by a check: import-linter's contracts in pyproject.toml ([tool.importlinter]).

db imports neither exports nor a door (tui, cli); exports imports no door; the CLI (cli) does not
load Textual, except cli.app_door, where it opens the app; the app (tui) never imports the
CLI, and the CLI takes from tui only the app, its browser server and the crash log.
import-linter follows indirect
imports and imports inside functions too, which tests/test_import_hygiene.py (what importing
actually loads) does not see.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    # The test extra installs import-linter; its `lint-imports` script sits beside this Python.
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "lint-imports not found beside this Python: pip install -e '.[test]'"
    out = subprocess.run([exe, "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, f"import contracts broken:\n{out.stdout}\n{out.stderr}"
    assert "0 broken" in out.stdout, out.stdout
