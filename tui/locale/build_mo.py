"""Compile the ``.po`` catalogues in this folder into ``.mo`` files, with Babel (a dev-only
dependency, in the test extras: the program itself reads the ``.mo`` with ``gettext``).

    python -m tui.locale.build_mo          # rebuild every catalogue
    python -m tui.locale.build_mo --check  # exit 1 when a .mo is out of date

Fuzzy entries are left out, as msgfmt does.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

from db.files import atomic_write

HERE = Path(__file__).parent


def _catalog(text: str):
    from babel.messages.pofile import read_po

    return read_po(io.StringIO(text))


def parse_po(text: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of the translated, non-fuzzy entries (the header under "")."""
    messages: dict[str, str] = {}
    for m in _catalog(text):
        if m.id == "":
            continue
        if m.string and not m.fuzzy:
            messages[m.id] = m.string
    return messages


def mo_bytes_of(text: str) -> bytes:
    """The ``.mo`` of a catalogue's text, as Babel's ``write_mo`` writes it (fuzzy left out)."""
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, _catalog(text))
    return out.getvalue()


def source_msgids(paths: list[Path] | None = None) -> list[str]:
    """Every string the interface translates: ``_("…")``/``N_("…")`` literals in tui/
    and the Vietnamese labels it takes from db/ (event kinds, statuses, settings)."""
    from db import history, kinds, roster, school

    found: dict[str, None] = {}
    for path in paths if paths is not None else sorted(HERE.parent.rglob("*.py")):
        if "cli" in path.relative_to(HERE.parent).parts:
            continue  # the command line speaks Vietnamese only
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = None
    for labels in (history.TEMPLATES, kinds.LABELS, roster.STATUS_TEXT, kinds.SEMESTER_LABELS, kinds.SCOPES,
                   {k: label for k, (label, _d) in school.SETTINGS.items()}):
        for label in labels.values():
            found[label] = None
    return list(found)


def catalogues() -> list[Path]:
    return sorted(HERE.glob("*/LC_MESSAGES/*.po"))


def build(po: Path) -> bytes:
    return mo_bytes_of(po.read_text(encoding="utf-8"))


def mo_messages(mo: Path) -> dict[str, str]:
    """``{msgid: msgstr}`` of a compiled catalogue (the header left out), to compare with the
    ``.po``: the bytes themselves carry the Babel version and the time they were made."""
    from babel.messages.mofile import read_mo

    with open(mo, "rb") as fh:
        return {m.id: m.string for m in read_mo(fh) if m.id}


def up_to_date(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return mo.exists() and mo_messages(mo) == parse_po(po.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if "--check" in argv:
            if not up_to_date(po):
                stale.append(mo)
        else:
            atomic_write(mo, build(po), overwrite=True)
            print(f"{po} -> {mo}")
    for mo in stale:
        print(f"{mo} chưa cập nhật: chạy python -m tui.locale.build_mo", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
