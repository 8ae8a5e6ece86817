"""The official layout of the forms (``docs/forms.md``): tables, then the xlsx sheet.

``tables_of(form)`` turns a form dict from ``db.reports`` / ``db.targets`` into plain
``Table`` objects (two-level headers, rows, subtotal and total rows, footnotes). The same
tables feed the xlsx layout here, the ods/csv files (``exports.files``) and the TUI's
table, so every door shows the same numbers. openpyxl is imported inside
``build_workbook`` only, so program start-up does not pay for it.

``tables_of(form, tr)``: ``tr`` translates the words the program writes around the numbers
(titles, period lines, row and column labels, reason names …) for a screen in another
language (the TUI passes its ``_``). Exported files are official forms: they keep the
default, the Vietnamese of the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from db import clock
from db.dates import fmt_date, place_date_line
from db.codes import reason_text
from db.reports import FORMS
from db.si_so import DECREASES, INCREASES, STILL_OUT

from .numbers import pct_text

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FONT = "Times New Roman"
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def same(text: str) -> str:
    """No translation: the forms' own Vietnamese."""
    return text


@dataclass
class Col:
    label: str
    group: str | None = None  # top header, merged over the consecutive columns that share it
    kind: str = "int"  # text | int | pct | date | mark (x for true)
    width: float = 6.0
    key: bool = False  # names the row (STT, Lớp, Họ và tên …): a narrow screen keeps it in view


@dataclass
class Table:
    sheet: str
    title: str
    columns: list[Col]
    rows: list[list] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # "" | "group" | "sub" | "total"
    lines: list[str] = field(default_factory=list)  # school year, period … under the title
    footnotes: list[str] = field(default_factory=list)
    below: list[Table] = field(default_factory=list)  # further tables on the same sheet
    numbered: bool = False  # column labels (1), (2) … instead of A, B, 1, 2 …
    note: str = ""  # what a screen view's short labels stand for (compact views)
    tr: Callable[[str], str] = field(default=same, repr=False, compare=False)  # see tables_of
    breaks: list[int] = field(default_factory=list)  # printed page breaks before these rows (0-based)

    def add(self, values: list, style: str = "") -> None:
        self.rows.append(values)
        self.styles.append(style)

    @property
    def headers(self) -> list[str]:
        """One-line headers: ``group - label`` (ods, csv, TUI)."""
        tr = self.tr
        return [f"{tr(c.group)} - {tr(c.label)}" if c.group else tr(c.label) for c in self.columns]

    @property
    def short_headers(self) -> list[str]:
        """Headers for a narrow screen: ``ĐN TS``, ``LK+ Bỏ học`` … (see ``legend``)."""
        tr = self.tr
        return [f"{tr(GROUP_SHORT.get(c.group, c.group))} {tr(c.label)}" if c.group else tr(c.label)
                for c in self.columns]

    @property
    def legend(self) -> str:
        """What the short group names stand for, or "" when the table has none."""
        groups = [g for g in GROUP_SHORT if any(c.group == g for c in self.columns)]
        return "; ".join(f"{self.tr(GROUP_SHORT[g])} = {self.tr(g)}" for g in groups)

    def column_codes(self) -> list[str]:
        if self.numbered:
            return [f"({i})" for i in range(1, len(self.columns) + 1)]
        codes, letters, numbers = [], 0, 0
        leading = True
        for c in self.columns:
            if leading and c.kind == "text":
                codes.append(chr(ord("A") + letters))
                letters += 1
            else:
                leading = False
                numbers += 1
                codes.append(str(numbers))
        return codes


def _d(iso: str | None):
    return date.fromisoformat(iso) if iso else None


def _period_line(form: dict, tr=same) -> str:
    return tr("Từ ngày {start} đến ngày {end}").format(start=fmt_date(_d(form["tu_ngay"])),
                                                      end=fmt_date(_d(form["den_ngay"])))


def _year_line(form: dict, tr=same) -> str:
    return tr("Năm học {year}").format(year=form["nam_hoc"])


def _as_of_line(form: dict, tr=same) -> str:
    return tr("Tính đến ngày {day}").format(day=fmt_date(_d(form["den_ngay"])))


def _count_line(label: str, n: int, tr=same, **values) -> str:
    """«Tổng cộng: 3 học sinh», «Cộng khối 6: 2 học sinh» … (``label`` a msgid)."""
    return tr(label).format(n=n, **values)



MOVE_LABELS = {"chuyen_den": "Chuyển đến", "di_hoc_lai": "Đi học lại", "tang_khac": "Khác",
               "chuyen_lop_den": "Chuyển lớp", "chuyen_di": "Chuyển đi", "bo_hoc": "Bỏ học",
               "giam_khac": "Khác", "chuyen_lop_di": "Chuyển lớp"}
HEAD_LABELS = {"ts": "TS", "nu": "Nữ", "dtts": "DTTS", "kt": "KT"}
# Two-level headers shortened for a terminal (``Table.short_headers``, ``Table.legend``).
GROUP_SHORT = {"Đầu năm": "ĐN", "Trong kỳ: tăng": "TK+", "Trong kỳ: giảm": "TK−",
               "Lũy kế từ đầu năm: tăng": "LK+", "Lũy kế từ đầu năm: giảm": "LK−", "Hiện có": "HC"}


# ---- F1 --------------------------------------------------------------------------------------

STILL_OUT_LABEL = "Bỏ học chưa ra lớp"
PROVISIONAL = "tạm tính"
RATE_FOOTNOTE = ("Tỷ lệ bỏ học (%) = Bỏ học chưa ra lớp ÷ Đầu năm (TS) × 100. "
                 "Tỷ lệ duy trì (%) = Hiện có (TS) ÷ (Hiện có (TS) + Bỏ học chưa ra lớp) × 100.")


def _si_so_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("GVCN", kind="text", width=20)]
    cols += [Col(HEAD_LABELS[k], "Đầu năm", width=5) for k in HEAD_LABELS]
    for group in ("Trong kỳ", "Lũy kế từ đầu năm"):
        cols += [Col(MOVE_LABELS[k], f"{group}: tăng", width=6.5) for k in INCREASES]
        cols += [Col(MOVE_LABELS[k], f"{group}: giảm", width=6.5) for k in DECREASES]
    cols += [Col(HEAD_LABELS[k], "Hiện có", width=5) for k in HEAD_LABELS]
    cols += [Col(STILL_OUT_LABEL, width=8),
             Col("Tỷ lệ bỏ học (%)", kind="pct", width=7.5), Col("Tỷ lệ duy trì (%)", kind="pct", width=7.5),
             Col("Ghi chú", kind="text", width=9)]
    provisional = bool(form.get("tam_tinh"))
    count_day = fmt_date(_d(form.get("ngay_chot_dau_nam")))
    if provisional:
        count_line = tr("Sĩ số đầu năm tạm tính: chưa đến ngày chốt sĩ số đầu năm, "
                        "tính đến hết ngày {day}").format(day=count_day)
    else:
        count_line = tr("Sĩ số đầu năm tính đến hết ngày {day}").format(day=count_day)
    title = tr(FORMS["si-so"]) + (f" ({tr(PROVISIONAL).upper()})" if provisional else "")
    t = Table("Si so", title, cols, lines=[_year_line(form, tr), _period_line(form, tr), count_line])

    def values(row: dict) -> list:
        out = [row["dau_nam"][k] for k in HEAD_LABELS]
        out += [row["trong_ky"][k] for k in INCREASES + DECREASES]
        out += [row["luy_ke"][k] for k in INCREASES + DECREASES]
        out += [row["hien_co"][k] for k in HEAD_LABELS]
        return out + [row[STILL_OUT], row["ty_le_bo_hoc"], row["ty_le_duy_tri"]]

    grades = {g["khoi"]: g for g in form["khoi"]}
    stt = 0
    rows = form["lop"]
    for i, row in enumerate(rows):
        stt += 1
        t.add([str(stt), row["lop"], row["gvcn"], *values(row), ""])
        if i + 1 == len(rows) or rows[i + 1]["khoi"] != row["khoi"]:
            t.add(["", tr("Cộng khối {grade}").format(grade=row["khoi"]), "",
                   *values(grades[row["khoi"]]), ""], "sub")
    t.add(["", tr("Toàn trường"), "", *values(form["toan_truong"]), ""], "total")
    t.footnotes = [
        "Hiện có = Đầu năm + lũy kế tăng (chuyển đến + đi học lại + khác + chuyển lớp đến) "
        "− lũy kế giảm (chuyển đi + bỏ học + khác + chuyển lớp đi).",
        RATE_FOOTNOTE,
        f"{STILL_OUT_LABEL}: số lần bỏ học sau ngày chốt sĩ số đầu năm đến ngày báo cáo mà học sinh "
        "chưa đi học lại trong năm học, tính cho lớp học sinh đã bỏ học.",
        "Tăng khác: nhập học sau ngày chốt sĩ số đầu năm. Giảm khác: chết, giảm khác. "
        "Tỷ lệ làm tròn một chữ số thập phân; để trống khi mẫu số bằng 0 hoặc âm.",
    ]
    if provisional:
        t.footnotes.append(f"Số liệu {PROVISIONAL}: chưa đến ngày chốt sĩ số đầu năm, cột Đầu năm là "
                           f"sĩ số đến hết ngày {count_day}.")
    return [t]


COMPACT_NOTE = ("Tăng, Giảm: lũy kế từ đầu năm; Chưa ra lớp = Bỏ học chưa ra lớp; "
                "Bỏ học % = Chưa ra lớp ÷ Đầu năm; Duy trì % = Hiện có ÷ (Hiện có + Chưa ra lớp)")


COMPACT_SCOPED_LABELS = {"Toàn trường": "Tổng*", "Cộng khối {grade}": "Cộng khối {grade}*"}
COMPACT_SCOPED_NOTE = "* Cộng các dòng hiển thị ({scope}), không phải của cả khối, cả trường."


def compact_si_so(form: dict, tr=same) -> Table:
    """F1 in a few columns for a narrow screen: Lớp, Đầu năm, Tăng, Giảm (cumulative since
    the start of the year), Hiện có, Bỏ học chưa ra lớp and the two rates, on the same rows
    as the full table. ``note`` says what the short labels stand for."""
    scope = form.get("pham_vi")
    if scope:  # over a scope: the totals are those of the rows shown, marked * (short: 80 columns)
        tr = (lambda base: lambda msgid: base(COMPACT_SCOPED_LABELS.get(msgid, msgid)))(tr)
    cols = [Col("Lớp", kind="text", width=9, key=True), Col("Đầu năm"), Col("Tăng"), Col("Giảm"), Col("Hiện có"),
            Col("Chưa ra lớp"), Col("Bỏ học %", kind="pct"), Col("Duy trì %", kind="pct")]
    t = Table("Si so", tr(FORMS["si-so"]), cols, tr=tr)
    t.note = tr(COMPACT_NOTE)
    if scope:  # first, so a short screen shows it
        t.note = tr(COMPACT_SCOPED_NOTE).format(scope=scope) + " " + t.note

    def values(row: dict) -> list:
        lk = row["luy_ke"]
        return [row["dau_nam"]["ts"], sum(lk[k] for k in INCREASES), sum(lk[k] for k in DECREASES),
                row["hien_co"]["ts"], row[STILL_OUT], row["ty_le_bo_hoc"], row["ty_le_duy_tri"]]

    grades = {g["khoi"]: g for g in form["khoi"]}
    rows = form["lop"]
    for i, row in enumerate(rows):
        t.add([row["lop"], *values(row)])
        if i + 1 == len(rows) or rows[i + 1]["khoi"] != row["khoi"]:
            t.add([tr("Cộng khối {grade}").format(grade=row["khoi"]), *values(grades[row["khoi"]])], "sub")
    t.add([tr("Toàn trường"), *values(form["toan_truong"])], "total")
    return t


# ---- F2 --------------------------------------------------------------------------------------

def _person_cols() -> list[Col]:
    return [Col("STT", kind="text", width=4.5, key=True), Col("Mã HS", kind="text", width=11),
            Col("Họ và tên", kind="text", width=22, key=True), Col("Ngày sinh", kind="date", width=11),
            Col("Nữ", kind="mark", width=4)]


def _bo_hoc_tables(form: dict, tr=same) -> list[Table]:
    cols = _person_cols() + [
        Col("Dân tộc", kind="text", width=8), Col("Lớp", kind="text", width=6),
        Col("Thôn/làng", kind="text", width=12), Col("Cha/mẹ/người giám hộ", kind="text", width=18),
        Col("Ngày bỏ học", kind="date", width=11), Col("Thời điểm", kind="text", width=8),
        Col("Lý do (mã và tên)", kind="text", width=24), Col("Số lần vận động", kind="int", width=8),
        Col("Kết quả", kind="text", width=11), Col("Ghi chú", kind="text", width=20)]
    t = Table("Bo hoc", tr(FORMS["bo-hoc"]), cols, lines=[_year_line(form, tr), _period_line(form, tr)],
              numbered=True)
    for g in form["khoi"]:
        t.add(["", tr("Khối {grade}").format(grade=g["khoi"])] + [""] * (len(cols) - 2), "group")
        for s in g["hoc_sinh"]:
            t.add([str(s["stt"]), s["ma"], s["ho_ten"], _d(s["ngay_sinh"]), s["nu"], s["dan_toc"], s["lop"],
                   s["thon"], s["giam_ho"], _d(s["ngay_bo_hoc"]), tr(s["thoi_diem"]),
                   reason_text(s["ly_do_ma"], tr), s["so_lan_van_dong"], tr(s["ket_qua"]),
                   s.get("ghi_chu", "")])
        t.add(["", _count_line("Cộng khối {grade}: {n} học sinh", g["so_luong"], tr, grade=g["khoi"])]
              + [""] * (len(cols) - 2), "sub")
    t.add(["", _count_line("Tổng cộng: {n} học sinh", form["tong"], tr)] + [""] * (len(cols) - 2), "total")
    summary = Table("Theo ly do", tr("Tổng hợp theo lý do bỏ học"),
                    [Col("Mã lý do", kind="text", width=8, key=True), Col("Lý do", kind="text", width=40),
                     Col("Số học sinh", kind="int", width=10)], numbered=True)
    for r in form["theo_ly_do"]:
        summary.add([r["ma"], tr(r["ten"]), r["so_luong"]])
    summary.add(["", tr("Tổng cộng"), sum(r["so_luong"] for r in form["theo_ly_do"])], "total")
    t.below = [summary]
    t.footnotes = ["Thời điểm: HK I, HK II hoặc Hè, theo ngày bỏ học.",
                   "Kết quả «Đã ra lớp»: học sinh có «Đi học lại» sau ngày bỏ học, đến ngày báo cáo.",
                   "Số lần vận động: số buổi vận động (có biên bản) trong năm học, đến ngày báo cáo; "
                   "Ghi chú: lý do ghi bỏ học khi chưa đủ 3 lần vận động."]
    return [t]


# ---- F3 --------------------------------------------------------------------------------------

def _chuyen_truong_tables(form: dict, tr=same) -> list[Table]:
    out = []
    for key, sheet, title, school_label in (
            ("chuyen_den", "Chuyen den", "DANH SÁCH HỌC SINH CHUYỂN ĐẾN", "Chuyển đến từ trường"),
            ("chuyen_di", "Chuyen di", "DANH SÁCH HỌC SINH CHUYỂN ĐI", "Chuyển đi đến trường")):
        cols = _person_cols() + [
            Col("Lớp", kind="text", width=6), Col("Ngày chuyển", kind="date", width=11),
            Col(school_label, kind="text", width=22), Col("Tỉnh, xã/huyện", kind="text", width=18),
            Col("Phạm vi", kind="text", width=10), Col("Lý do", kind="text", width=18),
            Col("Số văn bản", kind="text", width=12)]
        t = Table(sheet, tr(title), cols, lines=[_year_line(form, tr), _period_line(form, tr)],
                  numbered=True)
        for s in form[key]:
            t.add([str(s["stt"]), s["ma"], s["ho_ten"], _d(s["ngay_sinh"]), s["nu"], s["lop"],
                   _d(s["ngay_chuyen"]), s["truong"], s["dia_ban"], tr(s["pham_vi"]), s["ly_do"],
                   s["so_van_ban"]])
        t.add(["", _count_line("Tổng cộng: {n} học sinh", len(form[key]), tr)] + [""] * (len(cols) - 2),
              "total")
        t.footnotes = ["Phạm vi: trong tỉnh, ngoài tỉnh hoặc nước ngoài (mã 01, 02, 03)."]
        out.append(t)
    return out


# ---- F4 --------------------------------------------------------------------------------------

NO_OUTCOME = "Chưa có kết quả"

def completion_label(grades) -> str:
    grades = set(grades)
    parts = []
    if grades & set(range(1, 6)):
        parts.append("Hoàn thành CT tiểu học")
    if grades & set(range(6, 10)):
        parts.append("Tốt nghiệp THCS")
    if grades & set(range(10, 13)):
        parts.append("Tốt nghiệp THPT")
    return " / ".join(parts) or "Hoàn thành chương trình"


def _len_lop_tables(form: dict, tr=same) -> list[Table]:
    done = completion_label(g["khoi"] for g in form["khoi"])
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("GVCN", kind="text", width=14), Col("Tổng số", width=8)]
    for group in ("Lên lớp", "Thi lại / rèn luyện hè", "Lưu ban", done):
        cols += [Col("SL", group, width=6), Col("%", group, kind="pct", width=7)]
    cols.append(Col("SL", NO_OUTCOME, width=6))
    t = Table("Len lop", tr(FORMS["len-lop"]), cols, lines=[_year_line(form, tr), _as_of_line(form, tr)])

    year_over = form.get("den_cuoi_nam", True)

    def values(row):
        out = [row["tong_so"]]
        for k in ("len_lop", "thi_lai", "luu_ban", "hoan_thanh"):
            out += [row[k]["sl"], row[k]["ty_le"] if year_over else tr("chưa có")]
        return out + [row["chua_co_ket_qua"]]

    grades = {g["khoi"]: g for g in form["khoi"]}
    rows = form["lop"]
    for i, row in enumerate(rows):
        t.add([str(i + 1), row["lop"], row["gvcn"], *values(row)])
        if i + 1 == len(rows) or rows[i + 1]["khoi"] != row["khoi"]:
            t.add(["", tr("Cộng khối {grade}").format(grade=row["khoi"]), "",
                   *values(grades[row["khoi"]])], "sub")
    t.add(["", tr("Toàn trường"), "", *values(form["toan_truong"])], "total")
    end = fmt_date(_d(form["ngay_cuoi_nam"])) if form.get("ngay_cuoi_nam") else "kết thúc năm học"
    t.footnotes = ["Tổng số: học sinh đang học trong lớp đến ngày báo cáo (hoặc ngày kết thúc năm học).",
                   "Mỗi học sinh tính theo kết quả cuối năm ghi sau cùng; tỷ lệ = SL ÷ Tổng số × 100.",
                   f"Học sinh chưa ghi kết quả cuối năm được tính ở cột «{NO_OUTCOME}», không coi là lên lớp "
                   "hay hoàn thành; các cột SL cộng lại bằng Tổng số."]
    if not year_over:
        t.footnotes.append(f"Chưa đến ngày kết thúc năm học ({end}): tỷ lệ chưa có; SL là kết quả đã ghi.")
    if "noi_hoc_tiep" in form["toan_truong"]:
        t.below.append(_destination_table(form, tr))
        t.footnotes.append("Nơi học tiếp: học sinh tốt nghiệp khối cuối cùng của trường; chưa ghi "
                           "nơi học tiếp thì tính «Không rõ».")
    lst = Table("Thi lai - luu ban", tr("DANH SÁCH HỌC SINH THI LẠI, LƯU BAN"), _person_cols() + [
        Col("Lớp", kind="text", width=8), Col("Kết quả", kind="text", width=22),
        Col("Ngày ghi", kind="date", width=11)], lines=[_year_line(form, tr)], numbered=True)
    for s in form["danh_sach"]:
        lst.add([str(s["stt"]), s["ma"], s["ho_ten"], _d(s["ngay_sinh"]), s["nu"], s["lop"],
                 tr(s["ket_qua"]), _d(s["ngay"])])
    lst.add(["", _count_line("Tổng cộng: {n} học sinh", len(form["danh_sach"]), tr)] + [""] * 6, "total")
    return [t, lst]


DESTINATION_COLS = (("thpt", "THPT"), ("gdtx", "GDTX"), ("nghe", "Học nghề"), ("lam_viec", "Đi làm"),
                    ("khong_ro", "Không rõ"))


def _destination_table(form: dict, tr=same) -> Table:
    """F4's split of the top grade's graduates by where they went, per class, grade, school."""
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("Số học sinh tốt nghiệp", width=10)]
    cols += [Col(label, "Nơi học tiếp", width=8) for _, label in DESTINATION_COLS]
    t = Table("Noi hoc tiep", tr("NƠI HỌC TIẾP CỦA HỌC SINH TỐT NGHIỆP"), cols)

    def values(row):
        return [row["hoan_thanh"]["sl"], *[row["noi_hoc_tiep"][k] for k, _ in DESTINATION_COLS]]

    rows = [r for r in form["lop"] if "noi_hoc_tiep" in r]
    grades = {g["khoi"]: g for g in form["khoi"]}
    for i, row in enumerate(rows):
        t.add([str(i + 1), row["lop"], *values(row)])
        if i + 1 == len(rows) or rows[i + 1]["khoi"] != row["khoi"]:
            t.add(["", tr("Cộng khối {grade}").format(grade=row["khoi"]), *values(grades[row["khoi"]])], "sub")
    t.add(["", tr("Toàn trường"), *values(form["toan_truong"])], "total")
    return t


# ---- F5 --------------------------------------------------------------------------------------

def _chi_tieu_tables(form: dict, tr=same) -> list[Table]:
    from db.targets import OPS

    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Phạm vi", kind="text", width=11, key=True),
            Col("Chỉ tiêu", kind="text", width=30), Col("Yêu cầu", kind="text", width=13),
            Col("Chỉ tiêu (%)", "Tỷ lệ", kind="pct", width=9), Col("Thực hiện (%)", "Tỷ lệ", kind="pct", width=9),
            Col("Chênh lệch (%)", "Tỷ lệ", kind="pct", width=9), Col("Đạt / Không đạt", kind="text", width=11),
            Col("Thêm bao nhiêu HS thì không đạt", kind="int", width=13)]
    t = Table("Chi tieu", tr(FORMS["chi-tieu"]), cols, lines=[_year_line(form, tr), _as_of_line(form, tr)])
    for i, r in enumerate(form["chi_tieu"], 1):
        if r["dat"] is None:
            verdict = tr(r["chua_co"]) if r.get("chua_co") else ""
        else:
            verdict = tr("Đạt") if r["dat"] else tr("Không đạt")
        scope = r["pham_vi"] if tr is same else (
            tr("Khối {grade}").format(grade=r["khoi"]) if r.get("khoi")
            else tr("Cấp {level}").format(level=r.get("cap") or ""))
        t.add([str(i), scope, tr(r["nhan"]), tr(OPS[r["so_sanh"]]), r["chi_tieu"], r["thuc_hien"],
               r["chenh_lech"], verdict, r["them_de_khong_dat"]])
    t.footnotes = [
        "Yêu cầu: «Dưới» đạt khi thực hiện nhỏ hơn chỉ tiêu, «Không vượt quá» khi nhỏ hơn hoặc bằng, "
        "«Trên» khi lớn hơn, «Ít nhất» khi lớn hơn hoặc bằng. Không ghi yêu cầu thì tỷ lệ bỏ học, lưu "
        "ban, bỏ học và lưu ban là «Không vượt quá»; các tỷ lệ khác là «Ít nhất».",
        "Tỷ lệ bỏ học và duy trì như biểu sĩ số: bỏ học = Bỏ học chưa ra lớp ÷ Đầu năm (TS); duy trì = "
        "Hiện có (TS) ÷ (Hiện có (TS) + Bỏ học chưa ra lớp). Lưu ban = số lưu ban ÷ sĩ số đầu năm; "
        "bỏ học và lưu ban = (Bỏ học chưa ra lớp + số lưu ban) ÷ sĩ số đầu năm; "
        "lên lớp = (lên lớp + hoàn thành) ÷ Tổng số của biểu lên lớp (thi lại, chưa có kết quả tính là "
        "chưa lên lớp); đúng độ tuổi = HS có tuổi (năm bắt đầu năm học − năm sinh) bằng khối + 5 "
        "÷ HS hiện có; hoàn thành = HS lớp cuối cấp hoàn thành chương trình (hoặc lên lớp) "
        "÷ HS lớp cuối cấp đến ngày kết thúc năm học; riêng tiểu học = HS hoàn thành chương trình "
        "tiểu học năm nay ÷ HS lớp 1 của năm học trước đó 4 năm (tại ngày chốt sĩ số), "
        "khi cơ sở dữ liệu có năm học đó.",
        "Lưu ban, hoàn thành, lên lớp là kết quả cuối năm: trước ngày kết thúc năm học chưa có tỷ lệ "
        "(«Chưa đến cuối năm»); từ ngày đó, tính theo kết quả đã ghi — học sinh chưa có kết quả "
        "không được coi là lên lớp hay hoàn thành.",
        "Cột cuối: số học sinh bỏ học thêm (tỷ lệ bỏ học, duy trì), lưu ban thêm (lưu ban), bỏ học "
        "hoặc lưu ban thêm (bỏ học và lưu ban), không lên lớp (lên lớp), đúng độ tuổi nghỉ học "
        "(đúng độ tuổi), không hoàn thành (hoàn thành) thì không đạt chỉ tiêu.",
        "Chênh lệch = Thực hiện − Chỉ tiêu. Tỷ lệ làm tròn một chữ số thập phân; "
        "để trống khi mẫu số bằng 0 hoặc âm.",
    ]
    t.footnotes += [f"Dòng {i} ({r['pham_vi']}, {r['nhan'].lower()}): {r['ghi_chu']}."
                    for i, r in enumerate(form["chi_tieu"], 1) if r.get("ghi_chu")]
    return [t]


# ---- F11 -------------------------------------------------------------------------------------

def _theo_lang_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Thôn/làng", kind="text", width=16, key=True),
            Col("Xã", kind="text", width=12), Col("Trưởng thôn", kind="text", width=18),
            Col("Cán bộ phụ trách", kind="text", width=18)]
    cols += [Col(label, "Học sinh đang học", width=6) for label in ("TS", "Nữ", "DTTS")]
    cols += [Col("Cảnh báo nghỉ quá 3 ngày", width=9), Col("Nguy cơ bỏ học", width=8),
             Col("Bỏ học", "Bỏ học từ ngày chốt", width=7), Col("Chưa ra lớp", "Bỏ học từ ngày chốt", width=7),
             Col("Lượt vận động", width=8), Col("Chuyển đến", "Chuyển trường", width=8),
             Col("Chuyển đi", "Chuyển trường", width=8)]
    keys = ("ts", "nu", "dtts", "so_hs_canh_bao", "so_hs_nguy_co", "bo_hoc", "bo_hoc_chua_ra_lop",
            "van_dong", "chuyen_den", "chuyen_di")
    t = Table("Theo thon", tr(FORMS["theo-lang"]), cols, lines=[_year_line(form, tr), _as_of_line(form, tr)])
    for i, r in enumerate(form["thon"], 1):
        head = " – ".join(x for x in (r.get("truong_thon"), r.get("dien_thoai")) if x)
        t.add([str(i), r["thon"] if r["thon"] is not None else tr("(Chưa ghi thôn)"), r.get("xa") or "",
               head, ", ".join(r.get("phu_trach") or []), *[r[k] for k in keys]])
    t.add(["", tr("Tổng cộng"), "", "", "", *[form["tong"][k] for k in keys]], "total")
    ref = fmt_date(_d(form["ngay_chot_dau_nam"]))
    t.footnotes = [f"Học sinh đang học: có tên trong một lớp đến hết ngày báo cáo; mỗi học sinh tính ở "
                   f"thôn/làng đang ghi của học sinh. Bỏ học, chuyển đến, chuyển đi: ghi sau ngày chốt "
                   f"sĩ số đầu năm ({ref}) đến ngày báo cáo; chưa ra lớp = bỏ học chưa có «Đi học lại» "
                   "sau đó (như biểu sĩ số)."]
    names = {"so_hs_canh_bao": "Cảnh báo nghỉ quá 3 ngày", "so_hs_nguy_co": "Nguy cơ bỏ học",
             "van_dong": "Lượt vận động"}
    missing = [names[k] for k in form.get("chua_theo_doi", [])]
    if missing:
        t.footnotes.append(f"{', '.join(missing)}: chưa theo dõi (để trống).")
    return [t]


# ---- F6 --------------------------------------------------------------------------------------

COUNT_COLS = (("ts", "Tổng số"), ("nu", "Nữ"), ("dtts", "DTTS"), ("dtts_nu", "DTTS nữ"))


def _do_tuoi_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=5, key=True), Col("Nội dung", kind="text", width=40, key=True)]
    cols += [Col(label, width=15) for _, label in COUNT_COLS]  # wide enough for the motto above
    t = Table("Do tuoi", tr(FORMS["do-tuoi"]), cols, lines=[_year_line(form, tr), _as_of_line(form, tr)])
    blank = [""] * len(COUNT_COLS)

    def counts(c: dict) -> list:
        return [c[k] for k, _ in COUNT_COLS]

    def group(number: str, label: str) -> None:
        t.add([number, tr(label), *blank], "group")

    t.add(["1", tr("Tổng số học sinh"), *counts(form["tong"])], "total")
    group("2", "Chia theo khối")
    for g in form["khoi"]:
        t.add(["", tr("Khối {grade}").format(grade=g["khoi"]), *counts(g)])
    group("3", "Chia theo độ tuổi")
    for a in form["tuoi"]:
        t.add(["", tr("{age} tuổi (sinh năm {born})").format(age=a["tuoi"], born=a["nam_sinh"]), *counts(a)])
    group("4", "Học đúng độ tuổi")
    for d in form["dung_do_tuoi"]:
        t.add(["", tr("{age} tuổi học lớp {grade}").format(age=d["tuoi"], grade=d["khoi"]), *counts(d)])
    t.add(["5", tr("Tuyển mới vào lớp đầu cấp"), *counts(form["tuyen_moi"])])
    t.add(["6", tr("Lưu ban năm trước, học lại cùng lớp"), *counts(form["luu_ban_hoc_lai"])])
    group("7", "Học sinh khuyết tật chia theo dạng tật")
    for k in form["khuyet_tat"]:
        t.add(["", f"{k['ma']} - {tr(k['ten'])}", *counts(k)])
    t.footnotes = [
        "Học sinh: đang học tại trường đến hết ngày báo cáo.",
        "Tuổi = năm bắt đầu năm học − năm sinh; đúng độ tuổi: tuổi bằng khối + 5.",
        "DTTS: học sinh dân tộc thiểu số (mã dân tộc 02–54).",
        "Các dòng chia theo khối và chia theo độ tuổi đều cộng lại bằng tổng số.",
        "Tuyển mới: học sinh lớp đầu cấp (lớp 1, 6, 10) không học lại lớp đó.",
        "Lưu ban năm trước: lớp cuối cùng của năm học trước cùng khối với lớp năm nay.",
    ]
    return [t]


# ---- F7 --------------------------------------------------------------------------------------

NO_COMMUNE = "Chưa ghi xã"
NO_VILLAGE = "Chưa ghi thôn/làng"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:31] or "Sheet"
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        out = f"{base[:27]} ({n})"
    taken.add(out.lower())
    return out


def _nam_sinh_tables(form: dict, tr=same) -> list[Table]:
    from db.nam_sinh import STATUS_LABELS
    from db.yearend import DESTINATIONS

    start_year = int(form["nam_hoc"][:4])
    lines = [_year_line(form, tr), _as_of_line(form, tr)]
    grades = sorted({int(g) for c in form["tong_hop"] for g in c["dang_hoc"]})
    grid = Table("Tong hop", tr("TỔNG HỢP THEO ĐỘ TUỔI"),
                 [Col("Chỉ số", kind="text", width=26, key=True)]
                 + [Col(tr("{age} tuổi ({year})").format(age=c["tuoi"], year=c["nam_sinh"]), width=8)
                    for c in form["tong_hop"]],
                 lines=list(lines))
    cols = form["tong_hop"]
    for key, label in (("ts", "Tổng số"), ("nu", "Nữ"), ("dtts", "Dân tộc thiểu số"), ("kt", "Khuyết tật")):
        grid.add([tr(label), *[c[key] for c in cols]], "total" if key == "ts" else "")
    for g in grades:
        grid.add([tr("Đang học lớp {grade}").format(grade=g), *[c["dang_hoc"].get(str(g), 0) for c in cols]])
    grid.add([tr("Hoàn thành / tốt nghiệp"), *[c["hoan_thanh"] for c in cols]])
    for k, label in DESTINATIONS.items():
        grid.add(["  " + tr("trong đó: {where}").format(where=tr(label)), *[c["noi_hoc_tiep"][k] for c in cols]])
    for key, label in (("bo_hoc", "Bỏ học"), ("chuyen_di", "Chuyển đi"), ("chua_ra_lop", "Chưa ra lớp")):
        grid.add([tr(label), *[c[key] for c in cols]])
    grid.footnotes = [
        "Tuổi = năm bắt đầu năm học − năm sinh. Mỗi cột: Tổng số = đang học + hoàn thành + bỏ học + "
        "chuyển đi + chưa ra lớp.",
        "Hoàn thành / tốt nghiệp: học sinh tốt nghiệp khối cuối cùng của trường (năm nay, hoặc các năm "
        "trước khi nay 15–18 tuổi), theo nơi học tiếp; chưa ghi nơi học tiếp thì tính «Không rõ».",
        "Chưa ra lớp: trẻ trong danh sách huy động chưa nhập học.",
    ]
    out = [grid]
    by_commune: dict[str, list[dict]] = {}
    for s in form["hoc_sinh"]:
        by_commune.setdefault(s["xa"], []).append(s)
    taken = {"tong hop"}
    person_cols = [Col("STT", kind="text", width=5, key=True), Col("Họ và tên", kind="text", width=24, key=True),
                   Col("Ngày sinh", kind="date", width=11), Col("Nữ", kind="mark", width=4),
                   Col("Dân tộc", kind="text", width=9), Col("Lớp", kind="text", width=7),
                   Col("Trạng thái", kind="text", width=11), Col("Nơi học tiếp", kind="text", width=9),
                   Col("Khuyết tật", kind="text", width=8)]
    from collections import Counter

    from db.codes import disability_types

    disabilities = disability_types()
    for commune, people in by_commune.items():
        per_village = Counter(p["thon"] for p in people)
        per_birth = Counter((p["thon"], p["nam_sinh"]) for p in people)
        title = tr("Địa bàn: {commune}").format(commune=commune) if commune else tr(NO_COMMUNE)
        t = Table(sheet_name(commune or NO_COMMUNE, taken), tr(FORMS["nam-sinh"]), list(person_cols),
                  lines=[*lines, title], numbered=True)
        village = birth = None
        stt = 0
        for s in people:
            if s["thon"] != village or village is None:
                if village is not None:
                    t.breaks.append(len(t.rows))
                village, birth = s["thon"], None
                n = per_village[village]
                t.add(["", (tr("Thôn/làng: {village}").format(village=village) if village else tr(NO_VILLAGE))
                       + " — " + tr("{n} người").format(n=n)] + [""] * 7, "group")
            if s["nam_sinh"] != birth:
                birth = s["nam_sinh"]
                n = per_birth[(village, birth)]
                t.add(["", tr("Sinh năm {year} ({age} tuổi): {n} người").format(
                    year=birth, age=start_year - birth, n=n)] + [""] * 7, "sub")
            stt += 1
            kt = s["khuyet_tat"]
            t.add([str(stt), s["ho_ten"], _d(s["ngay_sinh"]), s["nu"], s["dan_toc"], s["lop"] or "",
                   tr(STATUS_LABELS[s["trang_thai"]]),
                   tr(DESTINATIONS[s["noi_hoc_tiep"]]) if s["noi_hoc_tiep"] else "",
                   f"{kt} {disabilities.get(kt, '')}".strip() if kt else ""])
        t.add(["", _count_line("Tổng cộng: {n} người", stt, tr)] + [""] * 7, "total")
        t.footnotes = ["Theo thôn/làng, năm sinh, rồi tên. Mỗi thôn/làng in từ một trang mới.",
                       "Trạng thái tính đến ngày báo cáo; Lớp: lớp đang học, hoặc lớp cuối cùng đã học."]
        out.append(t)
    return out


# ---- F8 --------------------------------------------------------------------------------------

VOIDED_NOTE = "Nhập học đã hủy (số đăng bộ giữ nguyên, không cấp lại)"


def mother_or_guardian(s: dict) -> str:
    """F8's column «Họ tên mẹ (hoặc người giám hộ)»."""
    if s["me"] and s["giam_ho"]:
        return f"{s['me']}; người giám hộ: {s['giam_ho']}"
    return s["me"] or s["giam_ho"]


def _dang_bo_tables(form: dict, tr=same) -> list[Table]:
    """F8's table. A streamed form (``db.register.report_dang_bo(stream=True)``) names its
    years and gives its students as an iterator: the table's rows are then an iterator too,
    consumed once by ``exports.stream_form``."""
    if "nam_hoc" in form:
        years = list(form["nam_hoc"])
    else:
        years = sorted({y for s in form["hoc_sinh"] for y in s["lop_theo_nam"]})
    cols = [Col("Số đăng bộ", width=7, key=True), Col("Họ và tên", kind="text", width=22, key=True),
            Col("Ngày sinh", kind="date", width=11), Col("Nơi sinh", kind="text", width=14),
            Col("Giới tính", kind="text", width=6), Col("Dân tộc", kind="text", width=8),
            Col("Họ tên cha", kind="text", width=18), Col("Họ tên mẹ (hoặc người giám hộ)", kind="text", width=18),
            Col("Chỗ ở", kind="text", width=26), Col("Ngày vào trường", kind="date", width=11)]
    cols += [Col(y, "Lớp từng năm học", kind="text", width=9) for y in years]
    cols += [Col("Ngày rời trường", kind="date", width=11), Col("Lý do rời trường", kind="text", width=20),
             Col("Ghi chú", kind="text", width=14)]
    t = Table("So dang bo", tr(FORMS["dang-bo"]), cols,
              lines=[tr("Học sinh đã vào trường, mọi năm học, theo số đăng bộ")], numbered=True)
    female, male, voided = tr("Nữ"), tr("Nam"), tr(VOIDED_NOTE)

    def rows():
        for s in form["hoc_sinh"]:
            yield [s["so_dang_bo"], s["ho_ten"], _d(s["ngay_sinh"]), s["noi_sinh"],
                   female if s["nu"] else male, s["dan_toc"], s["cha"], mother_or_guardian(s),
                   s["cho_o"], _d(s["ngay_vao"]), *[s["lop_theo_nam"].get(y, "") for y in years],
                   _d(s["ngay_roi"]), s["ly_do_roi"], voided if s["da_huy"] else ""]

    if isinstance(form["hoc_sinh"], list):
        for values in rows():
            t.add(values)
    else:
        t.rows = rows()
    t.footnotes = [
        "Số đăng bộ cấp khi học sinh nhập học hoặc chuyển đến lần đầu, không cấp lại, không dùng lại.",
        "Số bị bỏ trống là của lần nhập danh sách đã hoàn tác.",
        "Lớp từng năm học: lớp cuối cùng học sinh học trong năm học đó.",
    ]
    return [t]


# ---- F10 -------------------------------------------------------------------------------------

def _chuyen_can_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("Ngày học sinh dự kiến", width=10), Col("Có phép (P)", "Số ngày vắng", width=8),
            Col("Không phép (K)", "Số ngày vắng", width=8),
            Col("Tỷ lệ chuyên cần (%)", kind="pct", width=10),
            Col("Cần chú ý (nghỉ quá 3 ngày)", width=10), Col("Vắng nhiều", width=8),
            Col("Sắp vắng nhiều", width=8)]
    t = Table("Chuyen can", tr(FORMS["chuyen-can"]), cols,
              lines=[_year_line(form, tr), _period_line(form, tr),
                     tr("Số ngày học: {n}").format(n=form["so_ngay_hoc"])])

    def values(row):
        return [row["ngay_hs_du_kien"], row["co_phep"], row["khong_phep"], row["ty_le_chuyen_can"],
                row["so_hs_canh_bao"], row["so_hs_vang_nhieu"], row["so_hs_sap_vang_nhieu"]]

    for i, row in enumerate(form["lop"]):
        t.add([str(i + 1), row["lop"], *values(row)])
    t.add(["", tr("Toàn trường"), *values(form["toan_truong"])], "total")
    t.footnotes = [
        "Ngày học sinh dự kiến: mỗi học sinh, số ngày học trong kỳ em đang học; vắng một buổi "
        "tính 0,5 ngày. Tỷ lệ chuyên cần (%) = (dự kiến − vắng) ÷ dự kiến × 100.",
        "Cần chú ý: nghỉ cả ngày liên tiếp quá số ngày cài đặt, hoặc nghỉ không phép trong 30 "
        "ngày quá số ngày cài đặt, vào ít nhất một ngày học của kỳ.",
        "Tỷ lệ vắng (%) = số ngày vắng từ đầu năm ÷ số ngày học đang học × 100; vắng nhiều: "
        "từ 10%, sắp vắng nhiều: 5% đến dưới 10% (cần ít nhất 10 ngày học)."]
    lst = Table("Can chu y", tr("DANH SÁCH HỌC SINH CẦN CHÚ Ý"), [
        Col("STT", kind="text", width=4.5, key=True), Col("Mã HS", kind="text", width=11),
        Col("Họ và tên", kind="text", width=22, key=True), Col("Lớp", kind="text", width=6),
        Col("Thôn/làng", kind="text", width=12), Col("Nghỉ liên tiếp dài nhất", width=9),
        Col("Không phép trong 30 ngày", width=9), Col("Tỷ lệ vắng (%)", kind="pct", width=8),
        Col("Vắng nhiều", kind="mark", width=7)], lines=[_year_line(form, tr)], numbered=True)
    for i, s in enumerate(form["canh_bao"], 1):
        lst.add([str(i), s["ma"], s["ho_ten"], s["lop"], s["thon"] or "", s["nghi_lien_tiep"],
                 s["khong_phep_30_ngay"], s["ty_le_vang"], s["vang_nhieu"] == "chronic"])
    lst.add(["", "", _count_line("Tổng cộng: {n} học sinh", len(form["canh_bao"]), tr)] + [""] * 6,
            "total")
    return [t, lst]


# ---- F12 -------------------------------------------------------------------------------------

def _huy_dong_tables(form: dict, tr=same) -> list[Table]:
    counts = [Col("Dự kiến", width=8), Col("Đã ra lớp", width=8), Col("Tỷ lệ (%)", kind="pct", width=8)]
    grades = ", ".join(str(g) for g in form.get("khoi", []))
    lines = [_year_line(form, tr), _as_of_line(form, tr)]
    if grades:
        lines.append(tr("Trẻ vào khối {grades}").format(grades=grades))
    t = Table("Theo thon", tr(FORMS["huy-dong"]), [
        Col("STT", kind="text", width=4.5, key=True), Col("Thôn/làng", kind="text", width=18, key=True),
        *counts, Col("Cán bộ phụ trách", kind="text", width=32), Col("Xã", kind="text", width=14)], lines=lines)
    for i, r in enumerate(form["theo_thon"], 1):
        t.add([str(i), r["thon"] if r["thon"] is not None else tr("(Chưa ghi thôn)"), r["du_kien"],
               r["da_ra_lop"], r["ty_le"], ", ".join(r.get("phu_trach") or []), r.get("xa") or ""])
    t.add(["", tr("Tổng cộng"), form["du_kien"], form["da_ra_lop"], form["ty_le"], "", ""], "total")
    t.add(["", tr("Trẻ đúng độ tuổi"), form["du_kien_dung_do_tuoi"], form["da_ra_lop_dung_do_tuoi"],
           form["ty_le_dung_do_tuoi"], "", ""], "sub")
    src = Table("Theo nguon", tr("Theo nguồn danh sách"), [
        Col("STT", kind="text", width=4.5, key=True), Col("Nguồn danh sách", kind="text", width=44, key=True),
        *counts], lines=lines)
    for i, r in enumerate(form["theo_nguon"], 1):
        src.add([str(i), r["nguon"], r["du_kien"], r["da_ra_lop"], r["ty_le"]])
    src.footnotes = ["Một trẻ có trong hai danh sách (của trường tiểu học và của xã) được tính ở cả hai nguồn."]
    t.footnotes = ["Tỷ lệ huy động (%) = Đã ra lớp ÷ Dự kiến × 100.",
                   "Trẻ đúng độ tuổi: năm bắt đầu năm học − năm sinh = khối + 5.",
                   "Đã ra lớp: trẻ được ghép với học sinh nhập học vào khối đầu cấp đến ngày báo cáo",
                   "(cùng mã định danh, hoặc cùng họ tên và ngày sinh, hoặc nhà trường xác nhận);",
                   "trẻ chỉ có đề xuất ghép chưa xác nhận được tính là chưa ra lớp."]
    lst = Table("Chua ra lop", tr("Danh sách trẻ chưa ra lớp"), [
        Col("STT", kind="text", width=4.5, key=True), Col("Họ và tên", kind="text", width=24, key=True),
        Col("Ngày sinh", kind="date", width=11), Col("Nữ", kind="mark", width=4), Col("Khối", width=5),
        Col("Thôn/làng", kind="text", width=16), Col("Nguồn", kind="text", width=40),
        Col("Cán bộ phụ trách", kind="text", width=32), Col("Đề xuất ghép (mã HS)", kind="text", width=12)],
        lines=[_year_line(form, tr), _as_of_line(form, tr)])
    for i, r in enumerate(form["chua_ra_lop"], 1):
        lst.add([str(i), r["ho_ten"], _d(r["ngay_sinh"]), r["nu"], r["khoi"], r["thon"] or "",
                 "; ".join(r["nguon"]), ", ".join(r["phu_trach"]), r["de_xuat"] or ""])
    lst.add(["", _count_line("Tổng cộng: {n} trẻ", len(form["chua_ra_lop"]), tr)] + [""] * 7, "total")
    return [t, src, lst]


BUILDERS = {"si-so": _si_so_tables, "bo-hoc": _bo_hoc_tables, "chuyen-truong": _chuyen_truong_tables,
            "len-lop": _len_lop_tables, "chi-tieu": _chi_tieu_tables, "theo-lang": _theo_lang_tables,
            "do-tuoi": _do_tuoi_tables, "nam-sinh": _nam_sinh_tables, "dang-bo": _dang_bo_tables,
            "chuyen-can": _chuyen_can_tables, "huy-dong": _huy_dong_tables}


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
    tables = BUILDERS[form["form"]](form, tr)
    if scope:
        tables[0].lines.append(tr(SCOPE_LINE).format(scope=scope))
    for table in tables:
        for t in (table, *table.below):
            t.tr = tr
    return tables


def display(value, kind: str) -> str:
    """A cell as the TUI and the CLI table show it (dates dd/mm/yyyy, rates ``99,5``)."""
    if value is None or value == "":
        return ""
    if kind == "mark" or isinstance(value, bool):
        return "x" if value else ""
    if kind == "pct" and isinstance(value, (int, float)):
        return pct_text(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


# ---- xlsx ------------------------------------------------------------------------------------

def set_text(cell, value: str) -> None:
    """Write ``value`` as text, never as a formula (``=1+1`` stays the four characters)."""
    cell.value = _ILLEGAL.sub("", value)
    cell.data_type = "s"


def _put(cell, value, kind: str) -> None:
    if value is None or value == "":
        return
    if kind == "mark" or isinstance(value, bool):
        if value:
            set_text(cell, "x")
        return
    if kind == "pct" and isinstance(value, (int, float)):
        cell.value = value / 100 + 0.0  # never -0.0
        cell.number_format = "0.0%"
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
        return
    if isinstance(value, (int, float)):
        cell.value = value
        return
    set_text(cell, str(value))


def landscape(table: Table) -> bool:
    return sum(c.width for c in table.columns) > 95


def _write_table(ws, table: Table, top: int, styles) -> int:
    """Headers, column labels and rows from row ``top``; returns the next free row."""
    from openpyxl.styles import Alignment

    bold, normal, thin_all, center_wrap, fills = styles
    n = len(table.columns)
    two_levels = any(c.group for c in table.columns)
    head_rows = 2 if two_levels else 1
    for j, col in enumerate(table.columns, 1):
        if col.group:
            set_text(ws.cell(top, j), col.group)
            set_text(ws.cell(top + 1, j), col.label)
        else:
            set_text(ws.cell(top, j), col.label)
    if two_levels:
        j = 1
        while j <= n:
            col = table.columns[j - 1]
            if col.group is None:
                ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
                j += 1
                continue
            end = j
            while end < n and table.columns[end].group == col.group:
                end += 1
            if end > j:
                ws.merge_cells(start_row=top, start_column=j, end_row=top, end_column=end)
            j = end + 1
    label_row = top + head_rows
    for j, code in enumerate(table.column_codes(), 1):
        set_text(ws.cell(label_row, j), code)
    for r in range(top, label_row + 1):
        for j in range(1, n + 1):
            c = ws.cell(r, j)
            c.font, c.border, c.alignment = bold, thin_all, center_wrap
        ws.row_dimensions[r].height = 30 if r < label_row else 15
    if two_levels:
        ws.row_dimensions[top + 1].height = 45
    r = label_row + 1
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center")
    breaks = set(table.breaks)
    for i, (values, style) in enumerate(zip(table.rows, table.styles)):
        if i in breaks:
            from openpyxl.worksheet.pagebreak import Break

            ws.row_breaks.append(Break(id=r - 1))
        font = bold if style in ("sub", "total", "group") else normal
        for j, (col, value) in enumerate(zip(table.columns, values), 1):
            c = ws.cell(r, j)
            _put(c, value, col.kind)
            c.font, c.border = font, thin_all
            c.alignment = left if col.kind == "text" and j > 1 else center
            if style in fills:
                c.fill = fills[style]
        if style in ("group", "sub", "total") and isinstance(values[1], str) and values[1] and all(
                v in ("", None) for v in values[2:]):
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=n)
            ws.cell(r, 2).alignment = left
        r += 1
    return r


def build_workbook(form: dict, settings: dict, signed_on: date | None = None):
    """The form as an openpyxl Workbook laid out like the official paper form."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.utils.cell import get_column_letter

    signed_on = signed_on or clock.today()
    thin = Side(style="thin")
    bold = Font(name=FONT, size=11, bold=True)
    normal = Font(name=FONT, size=11)
    styles = (bold, normal, Border(left=thin, right=thin, top=thin, bottom=thin),
              Alignment(horizontal="center", vertical="center", wrap_text=True),
              {"sub": PatternFill("solid", fgColor="F2F2F2"), "total": PatternFill("solid", fgColor="D9D9D9")})
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables_of(form):
        ws = wb.create_sheet(table.sheet[:31])
        n = len(table.columns)
        for j, col in enumerate(table.columns, 1):
            ws.column_dimensions[get_column_letter(j)].width = col.width
        half = max(2, n // 2 - 1)
        right = half + 2

        def line(row, text, first, last, font, align="center", ws=ws):
            set_text(ws.cell(row, first), text)
            if last > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
            ws.cell(row, first).font = font
            ws.cell(row, first).alignment = Alignment(horizontal=align, vertical="center")

        line(1, (settings.get("co_quan_quan_ly") or "").upper(), 1, half, Font(name=FONT, size=12))
        line(2, (settings.get("ten_truong") or "").upper(), 1, half, Font(name=FONT, size=12, bold=True))
        line(1, MOTTO[0], right, n, Font(name=FONT, size=12, bold=True))
        line(2, MOTTO[1], right, n, Font(name=FONT, size=13, bold=True, underline="single"))
        line(4, table.title, 1, n, Font(name=FONT, size=14, bold=True))
        row = 5
        for text in table.lines:
            line(row, text, 1, n, Font(name=FONT, size=12, italic=row > 5, bold=row == 5))
            row += 1
        head_top = row + 1
        row = _write_table(ws, table, head_top, styles)
        label_row = head_top + (2 if any(c.group for c in table.columns) else 1)
        ws.print_title_rows = f"{head_top}:{label_row}"
        for extra in table.below:
            row += 1
            line(row, extra.title, 1, n, Font(name=FONT, size=12, bold=True), "left")
            row = _write_table(ws, extra, row + 1, styles)
        row += 1
        if table.footnotes:
            line(row, "Ghi chú:", 1, n, Font(name=FONT, size=11, bold=True, italic=True), "left")
            row += 1
            for note in table.footnotes:
                line(row, note, 1, n, Font(name=FONT, size=11, italic=True), "left")
                ws.row_dimensions[row].height = 15
                row += 1
        row += 1
        line(row, place_date_line(settings.get("dia_danh") or "", signed_on), right, n,
             Font(name=FONT, size=12, italic=True))
        row += 1
        line(row, "NGƯỜI LẬP BIỂU", 1, half, Font(name=FONT, size=12, bold=True))
        line(row, "HIỆU TRƯỞNG", right, n, Font(name=FONT, size=12, bold=True))
        row += 1
        line(row, "(Ký, ghi rõ họ tên)", 1, half, Font(name=FONT, size=11, italic=True))
        line(row, "(Ký tên, đóng dấu)", right, n, Font(name=FONT, size=11, italic=True))
        row += 5
        line(row, settings.get("nguoi_lap_bieu") or "", 1, half, Font(name=FONT, size=12, bold=True))
        line(row, settings.get("hieu_truong") or "", right, n, Font(name=FONT, size=12, bold=True))
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape(table) else "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_area = f"A1:{get_column_letter(n)}{row}"
    return wb
