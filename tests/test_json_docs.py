"""Every command that prints JSON has its keys in the README («JSON của các lệnh»), and every
form its JSON in docs/forms.md."""

import argparse
import re
from pathlib import Path

from cli import build_parser
from db import reports

ROOT = Path(__file__).resolve().parent.parent


def _json_commands():
    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*path, name])
            elif action.dest == "format" and action.choices and "json" in action.choices:
                yield " ".join(path)
    return sorted(set(walk(build_parser(), [])) - {"report"})


def test_every_json_command_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### JSON của các lệnh"):readme.index("## Dùng giao diện")]
    rows = set(re.findall(r"^\| `([a-z ]+)` \|", table, re.M))
    commands = _json_commands()
    assert len(commands) > 15
    assert [c for c in commands if c not in rows] == []


def test_every_form_has_its_json_in_forms_md():
    doc = (ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
    missing = [form for form in reports.FORMS
               if f'"bieu_mau": "{form}"' not in doc]
    assert missing == []
