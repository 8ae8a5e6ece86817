"""Compile the ``.po`` catalogues in this folder into ``.mo`` files (standard library only).

    python -m tui.locale.build_mo          # rebuild every catalogue
    python -m tui.locale.build_mo --check  # exit 1 when a .mo is out of date

Handles what our catalogues use: msgctxt-free entries, multi-line strings, the usual
escapes, and the header entry. Fuzzy entries are skipped, as msgfmt does.
"""

from __future__ import annotations

import ast
import os
import struct
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def parse_po(text: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of the translated, non-fuzzy entries (the header under "")."""
    messages: dict[str, str] = {}
    msgid = msgstr = None
    section = None
    fuzzy = False

    def flush():
        nonlocal msgid, msgstr, fuzzy
        if msgid is not None and msgstr is not None and (msgstr or msgid == "") and not fuzzy:
            messages[msgid] = msgstr
        msgid = msgstr = None
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if msgstr is not None:
                    flush()
                fuzzy = True
            continue
        if line.startswith("msgid "):
            if msgstr is not None:
                keep_fuzzy = fuzzy
                flush()
                fuzzy = keep_fuzzy
            section = "id"
            msgid = ast.literal_eval(line[6:])
        elif line.startswith("msgstr "):
            section = "str"
            msgstr = ast.literal_eval(line[7:])
        elif line.startswith('"'):
            part = ast.literal_eval(line)
            if section == "id":
                msgid += part
            elif section == "str":
                msgstr += part
        else:
            raise ValueError(f"không hiểu dòng trong tệp .po: {raw!r}")
    flush()
    return messages


def mo_bytes(messages: dict[str, str]) -> bytes:
    """The GNU .mo layout: header, two offset tables, then the strings (sorted by msgid)."""
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode("utf-8"), messages[k].encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    n = len(keys)
    key_table = 7 * 4
    value_table = key_table + n * 8
    ids_start = value_table + n * 8
    strs_start = ids_start + len(ids)
    out = struct.pack("Iiiiiii", 0x950412DE, 0, n, key_table, value_table, 0, 0)
    out += b"".join(struct.pack("ii", ln, ids_start + o) for o, ln, _, _ in offsets)
    out += b"".join(struct.pack("ii", ln, strs_start + o) for _, _, o, ln in offsets)
    return out + ids + strs


def source_msgids(paths: list[Path] | None = None) -> list[str]:
    """Every string the interface translates: ``_("…")``/``N_("…")`` literals in tui/
    and the Vietnamese labels it takes from db/ (event kinds, statuses, settings)."""
    from db import kinds, roster, school

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
    for labels in (kinds.LABELS, roster.STATUS_TEXT, kinds.SEMESTER_LABELS, kinds.SCOPES,
                   {k: label for k, (label, _d) in school.SETTINGS.items()}):
        for label in labels.values():
            found[label] = None
    return list(found)


def catalogues() -> list[Path]:
    return sorted(HERE.glob("*/LC_MESSAGES/*.po"))


def build(po: Path) -> bytes:
    return mo_bytes(parse_po(po.read_text(encoding="utf-8")))


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        data = build(po)
        if "--check" in argv:
            if not mo.exists() or mo.read_bytes() != data:
                stale.append(mo)
        else:
            write_atomic(mo, data)
            print(f"{po} -> {mo}")
    for mo in stale:
        print(f"{mo} chưa cập nhật: chạy python -m tui.locale.build_mo", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
