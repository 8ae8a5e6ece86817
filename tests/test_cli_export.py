"""``siso student list … --format xlsx|ods|csv|json -o FILE``: the student list as a file,
written atomically; xlsx in the layout the importer reads back."""

import json

import openpyxl
import pytest
import tablib

from exports.importer import read_students


@pytest.fixture
def school(cli):
    run = cli
    assert run("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024", "--hk2", "13/01/2025")[0] == 0
    assert run("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    assert run("class", "add", "7A1", "--grade", "7", "--year", "2024-2025")[0] == 0
    for name, dob, gender, klass, extra in (
            ("Nguyễn Văn An", "05/09/2013", "nam", "6A1",
             ("--code", "HS0001", "--national-id", "064213000001", "--village", "=Làng 1+1", "--new-village",
              "--commune", "Tơ Tung", "--phone", "0905123456", "--ethnic", "10")),
            ("Ksor H'Hen", "01/03/2012", "nu", "7A1", ("--code", "HS0002")),
            ("Trần Thị Bình", "20/11/2013", "nu", "6A1", ("--code", "HS0003"))):
        assert run("student", "add", "--year", "2024-2025", "--class", klass, "--name", name,
                   "--dob", dob, "--gender", gender, "--date", "05/09/2024", *extra)[0] == 0
    return run


LIST = ("student", "list", "--year", "2024-2025", "--as-of", "01/10/2024")


def test_xlsx_is_the_import_layout_and_reads_back(school, tmp_path):
    path = tmp_path / "out" / "ds.xlsx"
    rc, out, err = school(*LIST, "-o", str(path))  # format from the extension
    assert (rc, err) == (0, "")
    assert out == f"Đã ghi 3 học sinh vào {path}\n"
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "DANH SÁCH HỌC SINH NĂM HỌC 2024-2025 (tính đến ngày 01/10/2024)"
    assert [c.value for c in ws[3]][:4] == ["STT", "Mã học sinh", "Mã định danh", "Họ và tên"]
    # Vietnamese name order: An, Bình, H'Hen (Ksor)
    assert [ws.cell(r, 4).value for r in (4, 5, 6)] == ["Nguyễn Văn An", "Trần Thị Bình", "Ksor H'Hen"]
    an = {h.value: c for h, c in zip(ws[3], ws[4])}
    assert an["Thôn/Xóm"].value == "=Làng 1+1" and an["Thôn/Xóm"].data_type == "s"
    assert an["Xã/Phường"].value == "Tơ Tung"
    assert an["Số điện thoại"].value == "0905123456"
    assert an["Dân tộc"].value == "Gia Rai"
    assert an["Ngày sinh"].value.strftime("%d/%m/%Y") == "05/09/2013"
    plan = read_students(path)
    assert not plan.problems
    got = sorted((r.values["code"], r.full_name, r.klass) for r in plan.rows)
    assert got == [("HS0001", "Nguyễn Văn An", "6A1"), ("HS0002", "Ksor H'Hen", "7A1"),
                   ("HS0003", "Trần Thị Bình", "6A1")]
    assert plan.rows[0].values["village"] == "=Làng 1+1"
    assert sorted(p.name for p in path.parent.iterdir()) == ["ds.xlsx"]  # no temp file left


def test_one_class_as_ods(school, tmp_path):
    path = tmp_path / "lop.ods"
    rc, out, _ = school(*LIST, "--class", "6A1", "--format", "ods", "-o", str(path))
    assert rc == 0 and out.startswith("Đã ghi 2 học sinh")
    ds = tablib.Dataset().load(path.read_bytes(), format="ods")
    assert ds.headers[:5] == ["STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh"]
    assert [row[3] for row in ds] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert ds[0][4] == "05/09/2013" and ds[0][7] == "6A1"


def test_csv_file_has_a_bom_and_quotes_formula_text(school, tmp_path):
    path = tmp_path / "ds.csv"
    assert school(*LIST, "--format", "csv", "-o", str(path))[0] == 0
    data = path.read_bytes().decode("utf-8")
    assert data.startswith("\ufeffSTT,Mã HS,Họ và tên,Ngày sinh,")
    lines = data[1:].split("\r\n")
    assert lines[1].startswith("1,HS0001,Nguyễn Văn An,05/09/2013,Nam,Gia Rai,6A1,'=Làng 1+1,")
    assert len([x for x in lines if x]) == 4


def test_json_to_a_file_and_csv_to_the_screen(school, tmp_path):
    path = tmp_path / "ds.json"
    assert school(*LIST, "-o", str(path))[0] == 0
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert [r["ma"] for r in rows] == ["HS0001", "HS0003", "HS0002"]
    rc, out, _ = school(*LIST, "--format", "csv")
    assert rc == 0 and out.startswith("STT,Mã HS,") and "\ufeff" not in out


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheet_without_a_file_is_refused(school, tmp_path, fmt):
    rc, out, err = school(*LIST, "--format", fmt)
    assert rc == 2 and out == ""
    assert err.startswith(f"Lỗi: Định dạng {fmt} cần tên tệp: thêm -o TỆP")


def test_unknown_extension_is_refused_and_nothing_is_written(school, tmp_path):
    path = tmp_path / "ds.pdf"
    rc, _, err = school(*LIST, "-o", str(path))
    assert rc == 2 and "chọn --format xlsx, ods, csv, json" in err
    assert not path.exists()


@pytest.mark.parametrize("name, fmt", [("ds.json", "xlsx"), ("ds.xlsx", "csv"), ("ds.csv", "json"),
                                       ("ds.ods", "xlsx")])
def test_an_extension_that_disagrees_with_format_is_refused(school, tmp_path, name, fmt):
    path = tmp_path / name
    rc, out, err = school(*LIST, "--format", fmt, "-o", str(path))
    ext = name.split(".")[1]
    assert rc == 2 and out == ""
    assert f"có đuôi .{ext} nhưng --format là {fmt}" in err and "Traceback" not in err
    assert not path.exists()
    rc, out, err = school("report", "si-so", "--year", "2024-2025", "--format", fmt, "-o", str(path))
    assert rc == 2 and f"có đuôi .{ext} nhưng --format là {fmt}" in err
    assert not path.exists()


def test_a_format_agreeing_with_the_extension_or_a_plain_name_is_written(school, tmp_path):
    assert school(*LIST, "--format", "json", "-o", str(tmp_path / "ds.json"))[0] == 0
    assert json.loads((tmp_path / "ds.json").read_text(encoding="utf-8"))
    assert school(*LIST, "--format", "csv", "-o", str(tmp_path / "ds"))[0] == 0  # no extension
    assert (tmp_path / "ds").read_text(encoding="utf-8-sig").startswith("STT")
