"""The exported files: the official xlsx layout, ods, csv (BOM, OWASP), json, refusal."""

import json
from datetime import date

import pytest

from db.errors import SisoError
from db.models import Event, SchoolClass, Span
from db.reports import build
from db.si_so import report_si_so
from exports.files import default_filename, write_form
from report_school import build_school

SIGNED = date(2024, 11, 5)


@pytest.fixture
def school(year):
    s = build_school(year)
    SchoolClass.update(homeroom="=1+1").where(SchoolClass.name == "6A10").execute()
    return s


def _load(path):
    import openpyxl

    return openpyxl.load_workbook(path)


def test_si_so_xlsx_layout(year, school, tmp_path):
    form = report_si_so(year, date(2024, 10, 31))
    path = write_form(form, tmp_path / "out" / "bao-cao.xlsx", signed_on=SIGNED)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["bao-cao.xlsx"]  # no temporary file left
    ws = _load(path).active
    assert ws["A1"].value == "UBND XÃ TƠ TUNG"
    assert ws["A2"].value == "TRƯỜNG THCS TƠ TUNG" and ws["A2"].font.b
    motto = [c.value for row in ws.iter_rows(min_row=1, max_row=2) for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto and "Độc lập - Tự do - Hạnh phúc" in motto
    assert ws["A4"].value == "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH"
    assert ws["A5"].value == "Năm học 2024-2025"
    assert ws["A6"].value == "Từ ngày 01/10/2024 đến ngày 31/10/2024"
    assert ws["A1"].font.name == "Times New Roman"
    merged = {str(r) for r in ws.merged_cells.ranges}
    for rng in ("A9:A10", "B9:B10", "C9:C10", "D9:G9", "H9:K9", "L9:O9", "P9:S9", "T9:W9", "X9:AA9",
                "AB9:AB10", "AC9:AC10", "AD9:AD10", "AE9:AE10"):
        assert rng in merged, rng
    assert (ws["A9"].value, ws["D9"].value, ws["D10"].value, ws["H9"].value, ws["X9"].value) == (
        "STT", "Đầu năm", "TS", "Trong kỳ: tăng", "Hiện có")
    # after Hiện có and before the rates: the dropouts still out of class
    assert (ws["AB9"].value, ws["AC9"].value, ws["AD9"].value, ws["AE9"].value) == (
        "Bỏ học chưa ra lớp", "Tỷ lệ bỏ học (%)", "Tỷ lệ duy trì (%)", "Ghi chú")
    assert [ws.cell(11, j).value for j in (1, 2, 3, 4, 5, 31)] == ["A", "B", "C", "1", "2", "28"]
    assert [ws.cell(r, 2).value for r in range(12, 19)] == [
        "6A1", "6A2", "6A10", "Cộng khối 6", "7A1", "Cộng khối 7", "Toàn trường"]
    assert ws["C14"].value == "=1+1" and ws["C14"].data_type == "s"  # a homeroom name is text
    total = [ws.cell(18, j).value for j in range(4, 28)]
    assert total[:4] == [11, 5, 2, 1] and total[-4:] == [9, 5, 2, 1]
    assert ws["B18"].font.b
    # 6A1: s5 dropped out on 10/10 and is still out: 1 ÷ 6 = 16.7 %, 3 ÷ (3 + 1) = 75 %
    assert ws["AB12"].value == 1 and ws["AB18"].value == 1
    assert ws["AC12"].value == pytest.approx(0.167) and ws["AC12"].number_format == "0.0%"
    assert ws["AD12"].value == pytest.approx(0.75)
    assert ws["AC18"].value == pytest.approx(0.091)
    texts = [c.value for row in ws.iter_rows(min_row=19) for c in row if isinstance(c.value, str)]
    assert ("Tỷ lệ bỏ học (%) = Bỏ học chưa ra lớp ÷ Đầu năm (TS) × 100. "
            "Tỷ lệ duy trì (%) = Hiện có (TS) ÷ (Hiện có (TS) + Bỏ học chưa ra lớp) × 100.") in texts
    assert not any("Đi học lại lũy kế" in t for t in texts)  # the old formula is gone
    assert "tạm tính" not in " ".join(texts + [ws["A4"].value, ws["A7"].value])
    assert "Tơ Tung, ngày 05 tháng 11 năm 2024" in texts
    assert {"NGƯỜI LẬP BIỂU", "HIỆU TRƯỞNG", "Nguyễn Thị Thu Hà", "Đinh Văn Hyun"} <= set(texts)
    assert ws.print_title_rows == "$9:$11"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0


def test_lists_keep_formula_like_text_as_text(year, school, tmp_path):
    form = build("bo-hoc", year, date(2024, 11, 30), date(2024, 9, 5))
    path = write_form(form, tmp_path / "bo-hoc.xlsx", signed_on=SIGNED)
    ws = _load(path).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert ws["A4"].value == "DANH SÁCH HỌC SINH BỎ HỌC"
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Cộng khối 6: 1 học sinh" in values and "Tổng cộng: 2 học sinh" in values
    assert "Tổng hợp theo lý do bỏ học" in values
    csv_bytes = write_form(form, tmp_path / "bo-hoc.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert "'=1+1" in text and ",=1+1" not in text
    assert "Hoàng Văn Em" in text


def test_other_formats_and_sheets(year, school, tmp_path):
    import tablib

    form = build("chuyen-truong", year, date(2024, 11, 30), date(2024, 9, 5))
    wb = _load(write_form(form, tmp_path / "ct.xlsx", signed_on=SIGNED))
    assert wb.sheetnames == ["Chuyen den", "Chuyen di"]
    assert wb["Chuyen di"]["A4"].value == "DANH SÁCH HỌC SINH CHUYỂN ĐI"
    lenlop = build("len-lop", year, date(2025, 5, 31))
    wb = _load(write_form(lenlop, tmp_path / "ll.xlsx", signed_on=SIGNED))
    assert wb.sheetnames == ["Len lop", "Thi lai - luu ban"]
    ws = wb["Len lop"]
    assert ws.page_setup.orientation == "portrait"  # 13 columns fit an upright A4 page
    assert int(ws.page_setup.fitToWidth) == 1
    book = tablib.Databook()
    book.load((write_form(lenlop, tmp_path / "ll.ods")).read_bytes(), "ods")
    first = book.sheets()[0]
    assert first.headers[:4] == ["STT", "Lớp", "GVCN", "Tổng số"]
    assert first[0][1] == "6A1" and first[0][3] == 4
    data = json.loads((write_form(lenlop, tmp_path / "ll.json")).read_text("utf-8"))
    assert data == lenlop
    chi = build("chi-tieu", year, date(2024, 10, 31))
    ws = _load(write_form(chi, tmp_path / "ct5.xlsx", signed_on=SIGNED)).active
    assert ws["A4"].value == "ĐĂNG KÝ CHỈ TIÊU VÀ KẾT QUẢ THỰC HIỆN"
    assert default_filename(report_si_so(year, date(2024, 10, 31))) == "bao-cao-si-so-2024-10.xlsx"


def test_unbalanced_form_is_refused(year, school, tmp_path):
    s11 = school["students"]["s11"]
    admit = Event.get((Event.student == s11) & (Event.kind == "admit"))
    Span.create(student=s11, year=year, klass=school["classes"]["6A10"], start=date(2024, 10, 20),
                end=None, start_event=admit)
    form = report_si_so(year, date(2024, 10, 31))
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("xlsx", "csv", "json", "ods"):
        with pytest.raises(SisoError, match="Lý Văn Nam"):
            write_form(form, out / f"x.{fmt}")
    assert list(out.iterdir()) == []


def test_unknown_format_is_refused(year, school, tmp_path):
    with pytest.raises(SisoError, match="Định dạng"):
        write_form(report_si_so(year, date(2024, 10, 31)), tmp_path / "x.pdf")


def _half_up(num: int, den: int):
    """num ÷ den × 100, one decimal, half up — worked out here, not by db.report_common.rate."""
    from decimal import ROUND_HALF_UP, Decimal

    if den <= 0:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_every_printed_rate_recomputes_from_the_printed_columns(tmp_path):
    """The demo school (600 students, a year of dropouts, returns and transfers): on every
    row of the xlsx F1 at three dates, the printed rates equal the footnote's formulas
    applied to the printed Đầu năm (TS), Hiện có (TS) and Bỏ học chưa ra lớp."""
    from decimal import Decimal

    from db.connection import close_database, open_database
    from db.demo import build_demo

    open_database(str(tmp_path / "demo.sqlite3"))
    try:
        year = build_demo(600, seed=1, today=date(2026, 11, 22))
        checked = dropouts = 0
        for as_of in (date(2026, 10, 31), date(2026, 11, 22), year.ref_date):
            path = write_form(report_si_so(year, as_of), tmp_path / f"f1-{as_of}.xlsx", signed_on=SIGNED)
            ws = _load(path).active
            top = next(r for r in range(1, 20) if ws.cell(r, 1).value == "STT")
            labels = {}
            for j in range(1, ws.max_column + 1):
                group, label = ws.cell(top, j).value, ws.cell(top + 1, j).value
                labels[(group, label) if label else (group, None)] = j
            dn, hc = labels[("Đầu năm", "TS")], labels[("Hiện có", "TS")]
            out = labels[("Bỏ học chưa ra lớp", None)]
            drop, keep = labels[("Tỷ lệ bỏ học (%)", None)], labels[("Tỷ lệ duy trì (%)", None)]
            r = top + 3
            while ws.cell(r, 2).value:
                d, h, o = (ws.cell(r, j).value for j in (dn, hc, out))
                printed = [ws.cell(r, j).value for j in (drop, keep)]
                printed = [None if v is None else Decimal(str(round(v * 100, 1))) for v in printed]
                assert printed == [_half_up(o, d), _half_up(h, h + o)], (as_of, ws.cell(r, 2).value)
                checked += 1
                dropouts += o
                r += 1
            assert ws.cell(r - 1, 2).value == "Toàn trường"
        assert checked > 40 and dropouts > 0  # classes, grades and the school, some with dropouts
    finally:
        close_database()


def test_provisional_form_says_so(year, school, tmp_path):
    form = report_si_so(year, date(2024, 9, 20))
    assert form["tam_tinh"] is True
    ws = _load(write_form(form, tmp_path / "f1.xlsx", signed_on=SIGNED)).active
    assert ws["A4"].value == "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH (TẠM TÍNH)"
    assert ws["A7"].value == ("Sĩ số đầu năm tạm tính: chưa đến ngày chốt sĩ số đầu năm, "
                              "tính đến hết ngày 20/09/2024")
    texts = [c.value for row in ws.iter_rows(min_row=19) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Số liệu tạm tính:") for t in texts)
    csv_text = write_form(form, tmp_path / "f1.csv").read_bytes().decode("utf-8-sig")
    assert "Bỏ học chưa ra lớp" in csv_text.splitlines()[0]
