"""F9 ``bien-ban``: the minutes of one home visit as .docx (opened with python-docx: text,
A4 portrait, margins, fonts), as text and JSON, and as PDF through LibreOffice when present."""

import json
from datetime import date
from pathlib import Path

import pytest

from db import clock, risk
from db.school import add_class, set_settings
from db.students import add_student
from exports import minutes

BY = ["Lò Thị Mai:Giáo viên chủ nhiệm", "Đinh Văn Hyun:Lãnh đạo nhà trường"]


@pytest.fixture
def visit(year):
    set_settings({"ten_truong": "Trường THCS Tơ Tung", "co_quan_quan_ly": "UBND xã Tơ Tung",
                  "dia_danh": "Tơ Tung", "hieu_truong": "Đinh Văn Hyun"})
    clock.set_today(date(2024, 11, 20))
    a = add_class("6A1", 6, year, homeroom="Lò Thị Mai")
    st = add_student({"name": "Ksor H'Hen", "dob": "01/01/2013", "gender": "nữ", "code": "HS1",
                      "address": "Làng Kon Lanh, xã Tơ Tung"}, year, a, day=year.start)
    risk.add_visit(st, "02/10/2024", BY[:1], "Mẹ", "Em nghỉ ở nhà", "", "promised", "Mẹ")
    return risk.add_visit(st, "05/10/2024", BY, "Bà Ksor H'Lan (mẹ)", "Em đi rẫy cùng gia đình",
                          "Cho em đi học từ thứ Hai 07/10", "promised", "Ksor H'Lan")


def test_docx_one_a4_portrait_page_with_the_minutes(visit, tmp_path):
    from docx import Document

    form = risk.minutes(visit)
    from db.school import get_settings

    path = minutes.write_minutes(form, get_settings(), tmp_path / "bb.docx")
    doc = Document(str(path))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)  # A4 portrait
    assert 20 <= round(sec.top_margin.mm) <= 25 and 20 <= round(sec.bottom_margin.mm) <= 25
    assert 30 <= round(sec.left_margin.mm) <= 35 and 15 <= round(sec.right_margin.mm) <= 20
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for words in ("BIÊN BẢN VẬN ĐỘNG HỌC SINH RA LỚP", "(Lần thứ 2)", "ngày 05/10/2024",
                  "Làng Kon Lanh, xã Tơ Tung", "Lò Thị Mai — Giáo viên chủ nhiệm",
                  "Đinh Văn Hyun — Lãnh đạo nhà trường", "Ksor H'Hen (mã HS1), lớp 6A1",
                  "Bà Ksor H'Lan (mẹ)", "Em đi rẫy cùng gia đình", "Cho em đi học từ thứ Hai 07/10",
                  "Gia đình hứa cho con trở lại lớp.", "Tơ Tung, ngày 05 tháng 10 năm 2024"):
        assert words in text, words
    for words in ("UBND XÃ TƠ TUNG", "TRƯỜNG THCS TƠ TUNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "ĐẠI DIỆN GIA ĐÌNH", "Ksor H'Lan",
                  "GIÁO VIÊN CHỦ NHIỆM", "ĐẠI DIỆN NHÀ TRƯỜNG"):
        assert words in cells, words
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
             for r in p.runs if r.text.strip()]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    assert {r.font.size.pt for r in runs} <= {13.0, 14.0}
    assert not any(p.paragraph_format.page_break_before for p in doc.paragraphs)


def test_cli_text_json_docx_and_refusals(cli, tmp_path, monkeypatch):
    from db.connection import close_database, open_database
    from db.school import add_year

    open_database(cli.path)
    y = add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")
    a = add_class("6A1", 6, y)
    st = add_student({"name": "Ksor H'Hen", "dob": "01/01/2013", "gender": "nữ", "code": "HS1"}, y, a,
                     day=y.start)
    clock.set_today(date(2024, 11, 20))
    v = risk.add_visit(st, "05/10/2024", BY, "Mẹ", "Em đi rẫy", "Cho em đi học", "promised", "Mẹ")
    close_database()
    rc, out, err = cli("report", "bien-ban", "--visit", str(v.id))
    assert rc == 0 and "BIÊN BẢN VẬN ĐỘNG HỌC SINH RA LỚP" in out and "(Lần thứ 1)" in out
    rc, out, err = cli("report", "bien-ban", "--visit", str(v.id), "--format", "json")
    form = json.loads(out)
    assert set(form) == {"bieu_mau", "lan", "ngay", "dia_diem", "nguoi_di", "hoc_sinh", "nguoi_gap",
                         "tinh_hinh", "cam_ket", "ket_qua", "nguoi_ky"}
    assert (form["bieu_mau"], form["lan"], form["hoc_sinh"]["lop"]) == ("bien-ban", 1, "6A1")
    # a role is a code, its label under ten_vai_tro (as written when the visit was recorded)
    assert form["nguoi_di"] == [
        {"ho_ten": "Lò Thị Mai", "vai_tro": "gvcn", "ten_vai_tro": "Giáo viên chủ nhiệm"},
        {"ho_ten": "Đinh Văn Hyun", "vai_tro": "lanh_dao_truong", "ten_vai_tro": "Lãnh đạo nhà trường"}]
    target = tmp_path / "bb.docx"
    assert cli("report", "bien-ban", "--visit", str(v.id), "-o", str(target))[0] == 0
    assert target.read_bytes()[:2] == b"PK"
    rc, out, err = cli("report", "bien-ban", "--visit", str(v.id), "-o", str(target))
    assert rc == 2 and "đã có" in err  # never overwritten without --overwrite
    assert cli("report", "bien-ban", "--visit", "99", "-o", str(tmp_path / "x.docx"))[0] == 2
    rc, out, err = cli("report", "bien-ban", "--visit", str(v.id), "-o", str(tmp_path / "bb.json"),
                       "--format", "docx")  # a Word document named .json: refused
    assert rc == 2 and "có đuôi .json nhưng --format là docx" in err
    assert not (tmp_path / "bb.json").exists()
    monkeypatch.setattr(minutes, "soffice", lambda: None)  # a machine without LibreOffice
    pdf = tmp_path / "bb.pdf"
    rc, out, err = cli("report", "bien-ban", "--visit", str(v.id), "-o", str(pdf))
    assert rc == 2 and "LibreOffice" in err and "apt-get install libreoffice-writer" in err
    assert not pdf.exists()


@pytest.mark.skipif(minutes.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_through_libreoffice_two_at_once(visit, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from db.school import get_settings

    form, settings = risk.minutes(visit), get_settings()
    targets = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    with ThreadPoolExecutor(2) as pool:  # each conversion has its own profile folder
        done = list(pool.map(lambda p: minutes.write_minutes(form, settings, p), targets))
    for path in done:
        data = Path(path).read_bytes()
        assert data[:5] == b"%PDF-"
        import re

        assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1  # one page
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data)
        assert (round(float(box.group(1))), round(float(box.group(2)))) == (595, 842)  # A4 portrait


def test_visitor_roles_as_codes():
    assert [risk.role_code(r) for r in ("Giáo viên chủ nhiệm", "GVCN", "giao vien chu nhiem", "Trưởng thôn",
                                        "Lãnh đạo nhà trường", "Đoàn thanh niên", "Cán bộ xã", "Bí thư chi bộ")] \
        == ["gvcn", "gvcn", "gvcn", "truong_thon", "lanh_dao_truong", "doan_thanh_nien", "can_bo_xa", "khac"]
