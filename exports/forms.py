"""Each form laid out as tables: ``tables_of(form)`` turns a form dict from ``db.reports`` /
``db.targets`` into plain ``exports.table.Table`` objects (two-level headers, rows, subtotal
and total rows, footnotes), one per xlsx sheet. The builders live in ``exports.forms_f1_f5``
and ``exports.forms_f6_f12``; a new form adds its builder to ``BUILDERS``.

``tables_of(form, tr)``: ``tr`` translates the words the program writes around the numbers
(titles, period lines, row and column labels, reason names …) for a screen in another
language (the TUI passes its ``_``). Exported files are official forms: they keep the
default, the Vietnamese of the form.
"""

from __future__ import annotations

from collections.abc import Callable

from .forms_f1_f5 import bo_hoc_tables, chi_tieu_tables, chuyen_truong_tables, len_lop_tables, si_so_tables
from .forms_f6_f12 import (chuyen_can_tables, dang_bo_tables, do_tuoi_tables, huy_dong_tables,
                           nam_sinh_tables, theo_lang_tables)
from .table import Table, same


BUILDERS = {"si-so": si_so_tables, "bo-hoc": bo_hoc_tables, "chuyen-truong": chuyen_truong_tables,
            "len-lop": len_lop_tables, "chi-tieu": chi_tieu_tables, "theo-lang": theo_lang_tables,
            "do-tuoi": do_tuoi_tables, "nam-sinh": nam_sinh_tables, "dang-bo": dang_bo_tables,
            "chuyen-can": chuyen_can_tables, "huy-dong": huy_dong_tables}


# A form computed over a reader's scope (``pham_vi`` in the form: a class, some grades): its
# subtotal and total rows add up the rows shown, and say so — never the school's totals
# presented as the reader's.
SCOPED_LABELS = {
    "Toàn trường": "Tổng các dòng hiển thị",
    "Tổng cộng": "Tổng các dòng hiển thị",
    "Cộng khối {grade}": "Cộng khối {grade} (các dòng hiển thị)",
    "Tổng cộng: {n} học sinh": "Tổng các dòng hiển thị: {n} học sinh",
    "Cộng khối {grade}: {n} học sinh": "Cộng khối {grade} (các dòng hiển thị): {n} học sinh",
    "Tổng số học sinh": "Tổng số học sinh (các dòng hiển thị)",
}
SCOPE_LINE = "Phạm vi: {scope} — chỉ các học sinh trong phạm vi này"


def _scoped_tr(tr: Callable[[str], str]) -> Callable[[str], str]:
    return lambda msgid: tr(SCOPED_LABELS.get(msgid, msgid))


def tables_of(form: dict, tr: Callable[[str], str] = same) -> list[Table]:
    """The form laid out as tables (one per xlsx sheet); ``tr``: see the module's doc. A form
    computed over a scope (``pham_vi``) labels its totals as totals of the rows shown."""
    scope = form.get("pham_vi")
    if scope:
        tr = _scoped_tr(tr)
    tables = BUILDERS[form["bieu_mau"]](form, tr)
    if scope:
        tables[0].lines.append(tr(SCOPE_LINE).format(scope=scope))
    for table in tables:
        for t in (table, *table.below):
            t.tr = tr
    return tables
