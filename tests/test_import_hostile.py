"""Hostile and broken files are refused with a message, without reading them whole, and the
database is left exactly as it was (checked through the CLI door)."""

import io
import struct
import zipfile

import openpyxl
import pytest

from db.connection import close_database, open_database
from db.models import MODELS


@pytest.fixture
def cli(cli):
    """The shared CLI runner, on a school with the year 2024-2025."""
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    return cli


def counts(path):
    open_database(path)
    try:
        return {m.__name__: m.select().count() for m in MODELS}
    finally:
        close_database()


def refused(cli, path, *words):
    before = counts(cli.path)
    rc, out, err = cli("import", "students", str(path), "--year", "2024-2025")
    assert rc != 0
    msg = out + err
    for w in words:
        assert w in msg, msg
    assert counts(cli.path) == before
    return msg


def good_xlsx_bytes():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    ws.append(["Nguyễn Văn An", "01/01/2012", "Nam", "6A1"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rebuild(data: bytes, replace: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for info in src.infolist():
            z.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_a_good_file_goes_through(cli, tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(good_xlsx_bytes())
    rc, out, err = cli("import", "students", str(path), "--year", "2024-2025")
    assert rc == 0, out + err
    assert "Đã nhập 1 học sinh" in out


def test_zip_bomb_member_that_compresses_too_well(cli, tmp_path):
    sheet = b'<?xml version="1.0"?><worksheet>' + b" " * 30_000_000 + b"</worksheet>"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rebuild(good_xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet}))
    assert path.stat().st_size < 200_000
    refused(cli, path, "bom nén", "xl/worksheets/sheet1.xml")


def test_zip_bomb_member_that_claims_a_huge_size(cli, tmp_path):
    data = bytearray(good_xlsx_bytes())
    # set the uncompressed size of every member in the central directory to ~4 GB
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        struct.pack_into("<I", data, pos + 24, 4_000_000_000)
        pos += 4
    path = tmp_path / "claims.xlsx"
    path.write_bytes(bytes(data))
    refused(cli, path, "bom nén")


def test_xml_bomb_billion_laughs(cli, tmp_path):
    lol = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
             b"</sheetData></worksheet>")
    path = tmp_path / "lol.xlsx"
    path.write_bytes(rebuild(good_xlsx_bytes(), {"xl/worksheets/sheet1.xml": lol}))
    refused(cli, path, "bom XML")


def test_xml_bomb_in_ods(cli, tmp_path):
    content = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
               b"<office:document-content/>")
    path = tmp_path / "lol.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    refused(cli, path, "bom XML")


def test_sheet_declaring_a_million_rows(cli, tmp_path):
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:D1000000"/><sheetData/></worksheet>')
    path = tmp_path / "dim.xlsx"
    path.write_bytes(rebuild(good_xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet}))
    refused(cli, path, "1.000.000 dòng")


def test_xlsx_with_too_many_rows(cli, tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("DS")
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    for _ in range(20_100):
        ws.append(["Nguyễn Văn An", "01/01/2012", "Nam", "6A1"])
    path = tmp_path / "many.xlsx"
    wb.save(path)
    refused(cli, path, "hơn 20.000 dòng")


def test_csv_of_a_million_rows_is_refused(cli, tmp_path):
    path = tmp_path / "million.csv"
    path.write_bytes("Họ và tên,Ngày sinh,Giới tính,Lớp\n".encode() + b"Le An,2012,Nam,6A\n" * 1_000_000)
    assert path.stat().st_size < 30 * 1024 * 1024  # under the size cap: the row cap refuses it
    refused(cli, path, "hơn 20.000 dòng")


def test_file_too_large(cli, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(40 * 1024 * 1024)  # sparse: no time spent writing
    refused(cli, path, "quá lớn")


def _mojibake(s: str, codec: str) -> str:
    """UTF-8 bytes read as a Windows code page, as a legacy program would show them."""
    out = []
    for b in s.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


@pytest.mark.parametrize("codec", ["cp1252", "cp1258"])
def test_csv_mojibake_is_refused(cli, tmp_path, codec):
    good = "Họ và tên,Ngày sinh,Giới tính,Lớp\nNguyễn Văn Đức,01/01/2012,Nam,6A1\n"
    path = tmp_path / "moji.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _mojibake(good, codec).encode("utf-8"))
    refused(cli, path, "lỗi phông", "Windows-1252/1258", "UTF-8")


def test_csv_saved_in_windows_1258_is_refused(cli, tmp_path):
    text = "Họ và tên,Ngày sinh,Giới tính,Lớp\nLê Văn Đư\u0301c,01/01/2012,Nam,6A1\n"
    path = tmp_path / "cp1258.csv"
    path.write_bytes(text.replace("ọ", "o").replace("à", "a").replace("ày", "ay").replace("ớ", "o")
                     .replace("ớ", "o").encode("cp1258", errors="replace"))
    refused(cli, path, "không phải UTF-8", "Windows-1258")


def test_undo_of_unknown_batch(cli):
    rc, out, err = cli("import", "undo", "99")
    assert rc == 2 and "Không có lần nhập số «99»" in err


def test_upper_case_vietnamese_with_a_non_breaking_space_is_not_taken_for_mojibake(tmp_path):
    from exports.importer import read_students

    path = tmp_path / "nbsp.csv"
    path.write_text("Họ và tên,Ngày sinh,Giới tính,Lớp,Xã\n"
                    "Nguyễn Văn Đức,01/01/2012,Nam,6A1,XÃ\u00a0IA GRAI\n", encoding="utf-8-sig")
    plan = read_students(str(path))
    assert [r.values["commune"] for r in plan.rows] == ["XÃ IA GRAI"]
