"""The tables of F6 ``do-tuoi``, F7 ``nam-sinh``, F8 ``dang-bo``, F10 ``chuyen-can``, F11
``theo-lang`` and F12 ``huy-dong`` (``docs/forms.md``), built from the dicts ``db/``
returns; registered in ``exports.forms.BUILDERS``.
"""

from __future__ import annotations


from db.dates import fmt_date
from db.reports import FORMS

from .sheet_xml import sheet_name
from .table import Col, Table, as_of_line, tally_line, iso_day, period_line, year_line, same


# ---- F6 --------------------------------------------------------------------------------------

COUNT_COLS = (("ts", "Tổng số"), ("nu", "Nữ"), ("dtts", "DTTS"), ("dtts_nu", "DTTS nữ"))


def do_tuoi_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=5, key=True), Col("Nội dung", kind="text", width=40, key=True)]
    cols += [Col(label, width=15) for _, label in COUNT_COLS]  # wide enough for the motto above
    t = Table("Do tuoi", tr(FORMS["do-tuoi"]), cols, lines=[year_line(form, tr), as_of_line(form, tr)])
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


def nam_sinh_tables(form: dict, tr=same) -> list[Table]:
    from db.nam_sinh import STATUS_LABELS
    from db.yearend import DESTINATIONS

    start_year = int(form["nam_hoc"][:4])
    lines = [year_line(form, tr), as_of_line(form, tr)]
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
            t.add([str(stt), s["ho_ten"], iso_day(s["ngay_sinh"]), s["nu"], s["dan_toc"], s["lop"] or "",
                   tr(STATUS_LABELS[s["trang_thai"]]),
                   tr(DESTINATIONS[s["noi_hoc_tiep"]]) if s["noi_hoc_tiep"] else "",
                   f"{kt} {disabilities.get(kt, '')}".strip() if kt else ""])
        t.add(["", tally_line("Tổng cộng: {n} người", stt, tr)] + [""] * 7, "total")
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


def dang_bo_tables(form: dict, tr=same) -> list[Table]:
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
            yield [s["so_dang_bo"], s["ho_ten"], iso_day(s["ngay_sinh"]), s["noi_sinh"],
                   female if s["nu"] else male, s["dan_toc"], s["cha"], mother_or_guardian(s),
                   s["cho_o"], iso_day(s["ngay_vao"]), *[s["lop_theo_nam"].get(y, "") for y in years],
                   iso_day(s["ngay_roi"]), s["ly_do_roi"], voided if s["da_huy"] else ""]

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

def chuyen_can_tables(form: dict, tr=same) -> list[Table]:
    cols = [Col("STT", kind="text", width=4.5, key=True), Col("Lớp", kind="text", width=9, key=True),
            Col("Ngày học sinh dự kiến", width=10), Col("Có phép (P)", "Số ngày vắng", width=8),
            Col("Không phép (K)", "Số ngày vắng", width=8),
            Col("Tỷ lệ chuyên cần (%)", kind="pct", width=10),
            Col("Cần chú ý (nghỉ quá 3 ngày)", width=10), Col("Vắng nhiều", width=8),
            Col("Sắp vắng nhiều", width=8)]
    t = Table("Chuyen can", tr(FORMS["chuyen-can"]), cols,
              lines=[year_line(form, tr), period_line(form, tr),
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
        Col("Vắng nhiều", kind="mark", width=7)], lines=[year_line(form, tr)], numbered=True)
    for i, s in enumerate(form["canh_bao"], 1):
        lst.add([str(i), s["ma"], s["ho_ten"], s["lop"], s["thon"] or "", s["nghi_lien_tiep"],
                 s["khong_phep_30_ngay"], s["ty_le_vang"], s["vang_nhieu"] == "chronic"])
    lst.add(["", "", tally_line("Tổng cộng: {n} học sinh", len(form["canh_bao"]), tr)] + [""] * 6,
            "total")
    return [t, lst]


# ---- F11 -------------------------------------------------------------------------------------

def theo_lang_tables(form: dict, tr=same) -> list[Table]:
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
    t = Table("Theo thon", tr(FORMS["theo-lang"]), cols, lines=[year_line(form, tr), as_of_line(form, tr)])
    for i, r in enumerate(form["thon"], 1):
        head = " – ".join(x for x in (r.get("truong_thon"), r.get("dien_thoai")) if x)
        t.add([str(i), r["thon"] if r["thon"] is not None else tr("(Chưa ghi thôn)"), r.get("xa") or "",
               head, ", ".join(r.get("phu_trach") or []), *[r[k] for k in keys]])
    t.add(["", tr("Tổng cộng"), "", "", "", *[form["tong"][k] for k in keys]], "total")
    ref = fmt_date(iso_day(form["ngay_chot_dau_nam"]))
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


# ---- F12 -------------------------------------------------------------------------------------

def huy_dong_tables(form: dict, tr=same) -> list[Table]:
    counts = [Col("Dự kiến", width=8), Col("Đã ra lớp", width=8), Col("Tỷ lệ (%)", kind="pct", width=8)]
    grades = ", ".join(str(g) for g in form.get("khoi", []))
    lines = [year_line(form, tr), as_of_line(form, tr)]
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
        lines=[year_line(form, tr), as_of_line(form, tr)])
    for i, r in enumerate(form["chua_ra_lop"], 1):
        lst.add([str(i), r["ho_ten"], iso_day(r["ngay_sinh"]), r["nu"], r["khoi"], r["thon"] or "",
                 "; ".join(r["nguon"]), ", ".join(r["phu_trach"]), r["de_xuat"] or ""])
    lst.add(["", tally_line("Tổng cộng: {n} trẻ", len(form["chua_ra_lop"]), tr)] + [""] * 7, "total")
    return [t, src, lst]
