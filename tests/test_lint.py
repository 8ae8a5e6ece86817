"""The lint rules of pyproject.toml ([tool.ruff]) hold for the whole tree, and every ``noqa``
says why the rule it silences does not apply there."""

import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".git", "build", "dist", "node_modules"}

# a noqa comment: "noqa: B008, F401", then the reason (after a dash, a colon or a bracket)
NOQA = re.compile(r"#\s*noqa\b(?::?\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?(?P<rest>.*)",
                  re.IGNORECASE)


def noqa_without_reason(source: str) -> list[int]:
    """The lines of ``source`` (Python) whose ``noqa`` comment gives no reason after its codes."""
    bare = []
    lines = iter(source.splitlines(keepends=True))
    for token in tokenize.generate_tokens(lambda: next(lines, "")):
        if token.type != tokenize.COMMENT:
            continue
        for found in NOQA.finditer(token.string):
            reason = found.group("rest").strip(" \t-—–:()[]#")
            if not re.search(r"\w{2,}", reason):
                bare.append(token.start[0])
    return bare


def sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not SKIPPED.intersection(p.relative_to(ROOT).parts))


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    done = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_noqa_says_why():
    bare = [f"{path.relative_to(ROOT)}:{line}" for path in sources()
            for line in noqa_without_reason(path.read_text(encoding="utf-8"))]
    assert bare == [], "a noqa without its reason (`# noqa: CODE — why`):\n" + "\n".join(bare)


def test_a_noqa_without_its_reason_is_found():
    source = ('import os  # noqa: F401\n'
              'import re  # noqa: F401 — re-exported for the plugins\n'
              'import io  # noqa\n'
              'import json  # noqa: F401,E402 -\n'
              'x = "# noqa: F401"  # a string, not a comment\n'
              'import sys  # type: ignore  # noqa: F401 (the module is loaded for its side effect)\n')
    assert noqa_without_reason(source) == [1, 3, 4]
