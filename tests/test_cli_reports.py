"""siso report … and siso target … through the CLI entry point."""

import json

import pytest

from report_school import build_school
from cli import main


@pytest.fixture
def dbpath(year, db, tmp_path):
    build_school(year)
    return str(tmp_path / "test.sqlite3")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_report_json_and_table(dbpath, capsys):
    code, out, _ = run(capsys, "--db", dbpath, "report", "si-so", "--year", "2024-2025",
                       "--as-of", "31/10/2024", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["toan_truong"]["dau_nam"]["ts"] == 11 and data["toan_truong"]["hien_co"]["ts"] == 9
    assert data["toan_truong"]["ty_le_bo_hoc"] == 9.1 and data["can_bang"] is True
    code, out, _ = run(capsys, "--db", dbpath, "report", "si-so", "--year", "2024-2025",
                       "--as-of", "30/11/2024", "--from", "01/11/2024")
    assert code == 0
    assert "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH" in out and "Từ ngày 01/11/2024 đến ngày 30/11/2024" in out
    total = [line for line in out.splitlines() if "Toàn trường" in line][0].split()
    assert total[2:6] == ["11", "5", "2", "1"]  # start of year: TS Nữ DTTS KT
    code, out, _ = run(capsys, "--db", dbpath, "report", "bo-hoc", "--year", "2024-2025",
                       "--as-of", "30/11/2024", "--from", "05/09/2024", "--format", "csv")
    assert code == 0 and "Hoàng Văn Em" in out and "'=1+1" in out


def test_report_to_file(dbpath, capsys, tmp_path):
    target = tmp_path / "out" / "f4.xlsx"
    code, out, _ = run(capsys, "--db", dbpath, "report", "len-lop", "--year", "2024-2025",
                       "--as-of", "31/05/2025", "-o", str(target))
    assert code == 0 and target.exists() and str(target) in out
    code, _, err = run(capsys, "--db", dbpath, "report", "len-lop", "--year", "2024-2025", "--format", "xlsx")
    assert code == 2 and "cần tên tệp" in err
    code, _, err = run(capsys, "--db", dbpath, "report", "si-so", "--year", "2023-2024")
    assert code == 2 and "Không có năm học «2023-2024»" in err
    code, _, err = run(capsys, "--db", dbpath, "report", "si-so", "--year", "2024-2025", "--as-of", "32/10/2024")
    assert code == 2 and "không có trên lịch" in err


def test_targets(dbpath, capsys):
    code, out, _ = run(capsys, "--db", dbpath, "target", "set", "--year", "2024-2025", "--level", "THCS",
                       "--name", "ty_le_bo_hoc", "--value", "2")
    assert code == 0 and "2%" in out
    code, out, _ = run(capsys, "--db", dbpath, "target", "set", "--year", "2024-2025", "--grade", "6",
                       "--name", "ty_le_duy_tri", "--value", "75")
    code, out, _ = run(capsys, "--db", dbpath, "target", "list", "--year", "2024-2025", "--format", "json")
    assert [(r["pham_vi"], r["ten"], r["gia_tri"]) for r in json.loads(out)] == [
        ("Cấp THCS", "ty_le_bo_hoc", 2.0), ("Khối 6", "ty_le_duy_tri", 75.0)]
    code, out, _ = run(capsys, "--db", dbpath, "report", "chi-tieu", "--year", "2024-2025",
                       "--as-of", "31/10/2024", "--format", "json")
    rows = json.loads(out)["chi_tieu"]
    assert [(r["thuc_hien"], r["dat"], r["them_de_khong_dat"]) for r in rows] == [(9.1, False, None),
                                                                                    (88.9, True, 2)]
    code, _, err = run(capsys, "--db", dbpath, "target", "set", "--year", "2024-2025", "--grade", "6",
                       "--name", "ty_le_duy_tri", "--value", "abc")
    assert code == 2 and "không hợp lệ" in err


def test_an_existing_file_is_never_overwritten_without_asking(dbpath, capsys, tmp_path):
    import os

    target = tmp_path / "f1.xlsx"
    target.write_bytes(b"the clerk's own file")
    base = ("--db", dbpath, "report", "si-so", "--year", "2024-2025", "--as-of", "31/10/2024")
    code, out, err = run(capsys, *base, "-o", str(target))
    assert code == 2 and out == ""
    assert err.strip() == f"Lỗi: Tệp «{target}» đã có; không ghi đè. Thêm --overwrite để ghi đè."
    assert target.read_bytes() == b"the clerk's own file"
    code, out, _ = run(capsys, *base, "-o", str(target), "--overwrite")
    assert code == 0 and target.read_bytes()[:2] == b"PK"  # now the xlsx
    # the student list follows the same rule
    roster = tmp_path / "ds.csv"
    roster.write_text("giữ nguyên", "utf-8")
    listing = ("--db", dbpath, "student", "list", "--year", "2024-2025", "--as-of", "31/10/2024")
    code, _, err = run(capsys, *listing, "-o", str(roster))
    assert code == 2 and "đã có; không ghi đè. Thêm --overwrite để ghi đè." in err
    assert roster.read_text("utf-8") == "giữ nguyên"
    code, out, _ = run(capsys, *listing, "-o", str(roster), "--overwrite")
    assert code == 0 and "Nguyễn Văn An" in roster.read_text("utf-8-sig")
    # a read-only file or folder is refused even with --overwrite
    os.chmod(roster, 0o444)
    code, _, err = run(capsys, *listing, "-o", str(roster), "--overwrite")
    assert code == 2 and f"Tệp «{roster}» chỉ đọc: không ghi đè được." in err
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    try:
        code, _, err = run(capsys, *base, "-o", str(locked / "sub" / "f1.csv"), "--overwrite")
        assert code == 2 and f"Thư mục «{locked}» chỉ đọc: không ghi được tệp vào đó." in err
        assert list(locked.iterdir()) == []
    finally:
        os.chmod(locked, 0o755)


def test_report_days_outside_the_year_are_refused(dbpath, capsys):
    code, out, err = run(capsys, "--db", dbpath, "report", "si-so", "--year", "2024-2025",
                         "--as-of", "31/10/2024", "--from", "01/10/2020")
    assert code == 2 and out == ""
    assert err.strip() == ("Lỗi: Ngày bắt đầu kỳ báo cáo 01/10/2020 nằm ngoài năm học 2024-2025: cần từ "
                           "ngày 05/09/2024 đến ngày 31/08/2025 (hết hè).")
    code, _, err = run(capsys, "--db", dbpath, "report", "len-lop", "--year", "2024-2025", "--as-of", "01/09/2025")
    assert code == 2 and "Ngày báo cáo 01/09/2025 nằm ngoài năm học 2024-2025" in err
