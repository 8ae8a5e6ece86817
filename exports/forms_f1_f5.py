"""The tables of F1 ``si-so`` (and its compact screen view), F2 ``bo-hoc``, F3
``chuyen-truong``, F4 ``len-lop`` and F5 ``chi-tieu`` (``docs/forms.md``), built from the
dicts of ``db.reports`` / ``db.targets``; registered in ``exports.forms.BUILDERS``.
"""

from __future__ import annotations

from db.codes import reason_text
from db.dates import fmt_date
from db.reports import FORMS
from db.si_so import DECREASES, INCREASES, STILL_OUT

from .table import Col, Table, as_of_line, tally_line, iso_day, period_line, year_line, same


MOVE_LABELS = {"chuyen_den": "Chuyển đến", "di_hoc_lai": "Đi học lại", "tang_khac": "Khác",
               "chuyen_lop_den": "Chuyển lớp", "chuyen_di": "Chuyển đi", "bo_hoc": "Bỏ học",
               "giam_khac": "Khác", "chuyen_lop_di": "Chuyển lớp"}
HEAD_LABELS = {"ts": "TS", "nu": "Nữ", "dtts": "DTTS", "kt": "KT"}


# ---- F1 --------------------------------------------------------------------------------------

STILL_OUT_LABEL = "Bỏ học chưa ra lớp"
PROVISIONAL = "tạm tính"
RATE_FOOTNOTE = ("Tỷ lệ bỏ học (%) = Bỏ học chưa ra lớp ÷ Đầu năm (TS) × 100. "
                 "Tỷ lệ duy trì (%) = Hiện có (TS) ÷ (Hiện có (TS) + Bỏ học chưa ra lớp) × 100.")


def si_so_tables(form: dict, tr=same) -> list[Table]:
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
    count_day = fmt_date(iso_day(form.get("ngay_chot_dau_nam")))
    if provisional:
        count_line = tr("Sĩ số đầu năm tạm tính: chưa đến ngày chốt sĩ số đầu năm, "
                        "tính đến hết ngày {day}").format(day=count_day)
    else:
        count_line = tr("Sĩ số đầu năm tính đến hết ngày {day}").format(day=count_day)
    title = tr(FORMS["si-so"]) + (f" ({tr(PROVISIONAL).upper()})" if provisional else "")
    t = Table("Si so", title, cols, lines=[year_line(form, tr), period_line(form, tr), count_line])

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


def bo_hoc_tables(form: dict, tr=same) -> list[Table]:
    cols = _person_cols() + [
        Col("Dân tộc", kind="text", width=8), Col("Lớp", kind="text", width=6),
        Col("Thôn/làng", kind="text", width=12), Col("Cha/mẹ/người giám hộ", kind="text", width=18),
        Col("Ngày bỏ học", kind="date", width=11), Col("Thời điểm", kind="text", width=8),
        Col("Lý do (mã và tên)", kind="text", width=24), Col("Số lần vận động", kind="int", width=8),
        Col("Kết quả", kind="text", width=11), Col("Ghi chú", kind="text", width=20)]
    t = Table("Bo hoc", tr(FORMS["bo-hoc"]), cols, lines=[year_line(form, tr), period_line(form, tr)],
              numbered=True)
    for g in form["khoi"]:
        t.add(["", tr("Khối {grade}").format(grade=g["khoi"])] + [""] * (len(cols) - 2), "group")
        for s in g["hoc_sinh"]:
            t.add([str(s["stt"]), s["ma"], s["ho_ten"], iso_day(s["ngay_sinh"]), s["nu"], s["dan_toc"], s["lop"],
                   s["thon"], s["giam_ho"], iso_day(s["ngay_bo_hoc"]), tr(s["thoi_diem"]),
                   reason_text(s["ly_do_ma"], tr), s["so_lan_van_dong"], tr(s["ket_qua"]),
                   s.get("ghi_chu", "")])
        t.add(["", tally_line("Cộng khối {grade}: {n} học sinh", g["so_luong"], tr, grade=g["khoi"])]
              + [""] * (len(cols) - 2), "sub")
    t.add(["", tally_line("Tổng cộng: {n} học sinh", form["tong"], tr)] + [""] * (len(cols) - 2), "total")
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

def chuyen_truong_tables(form: dict, tr=same) -> list[Table]:
    out = []
    for key, sheet, title, school_label in (
            ("chuyen_den", "Chuyen den", "DANH SÁCH HỌC SINH CHUYỂN ĐẾN", "Chuyển đến từ trường"),
            ("chuyen_di", "Chuyen di", "DANH SÁCH HỌC SINH CHUYỂN ĐI", "Chuyển đi đến trường")):
        cols = _person_cols() + [
            Col("Lớp", kind="text", width=6), Col("Ngày chuyển", kind="date", width=11),
            Col(school_label, kind="text", width=22), Col("Tỉnh, xã/huyện", kind="text", width=18),
            Col("Phạm vi", kind="text", width=10), Col("Lý do", kind="text", width=18),
            Col("Số văn bản", kind="text", width=12)]
        t = Table(sheet, tr(title), cols, lines=[year_line(form, tr), period_line(form, tr)],
                  numbered=True)
        for s in form[key]:
            t.add([str(s["stt"]), s["ma"], s["ho_ten"], iso_day(s["ngay_sinh"]), s["nu"], s["lop"],
                   iso_day(s["ngay_chuyen"]), s["truong"], s["dia_ban"], tr(s["pham_vi"]), s["ly_do"],
                   s["so_van_ban"]])
        t.add(["", tally_line("Tổng cộng: {n} học sinh", len(form[key]), tr)] + [""] * (len(cols) - 2),
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


def len_lop_tables(form: dict, tr=same) -> list[Table]:
    done = completion_label(g["khoi"] for g in form["khoi"])
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("GVCN", kind="text", width=14), Col("Tổng số", width=8)]
    for group in ("Lên lớp", "Thi lại / rèn luyện hè", "Lưu ban", done):
        cols += [Col("SL", group, width=6), Col("%", group, kind="pct", width=7)]
    cols.append(Col("SL", NO_OUTCOME, width=6))
    t = Table("Len lop", tr(FORMS["len-lop"]), cols, lines=[year_line(form, tr), as_of_line(form, tr)])

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
    end = fmt_date(iso_day(form["ngay_cuoi_nam"])) if form.get("ngay_cuoi_nam") else "kết thúc năm học"
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
        Col("Ngày ghi", kind="date", width=11)], lines=[year_line(form, tr)], numbered=True)
    for s in form["danh_sach"]:
        lst.add([str(s["stt"]), s["ma"], s["ho_ten"], iso_day(s["ngay_sinh"]), s["nu"], s["lop"],
                 tr(s["ten_ket_qua"]), iso_day(s["ngay"])])
    lst.add(["", tally_line("Tổng cộng: {n} học sinh", len(form["danh_sach"]), tr)] + [""] * 6, "total")
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

def chi_tieu_tables(form: dict, tr=same) -> list[Table]:
    from db.targets import OPS

    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Phạm vi", kind="text", width=11, key=True),
            Col("Chỉ tiêu", kind="text", width=30), Col("Yêu cầu", kind="text", width=13),
            Col("Chỉ tiêu (%)", "Tỷ lệ", kind="pct", width=9), Col("Thực hiện (%)", "Tỷ lệ", kind="pct", width=9),
            Col("Chênh lệch (%)", "Tỷ lệ", kind="pct", width=9), Col("Đạt / Không đạt", kind="text", width=11),
            Col("Thêm bao nhiêu HS thì không đạt", kind="int", width=13)]
    t = Table("Chi tieu", tr(FORMS["chi-tieu"]), cols, lines=[year_line(form, tr), as_of_line(form, tr)])
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
