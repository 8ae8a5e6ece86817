"""Damaged, encrypted and oversized spreadsheets: one Vietnamese line, exit 2, nothing written,
quickly (no traceback, no memory blow-up)."""

import io
import time
import zipfile

import openpyxl
import pytest

from db.connection import close_database, open_database
from db.models import MODELS


@pytest.fixture
def cli(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    return cli


def counts(path):
    open_database(path)
    try:
        return {m.__name__: m.select().count() for m in MODELS}
    finally:
        close_database()


def _xlsx_bytes(rows=40) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    for i in range(1, rows + 1):
        ws.append([i, f"Nguyễn Văn An{i}", "01/02/2013", "Nam", "6A"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, *, drop=None, replace=None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if drop and info.filename == drop:
                continue
            body = (replace or {}).get(info.filename, src.read(info.filename))
            zf.writestr(info.filename, body)
        for name, body in (replace or {}).items():
            if name not in src.namelist():
                zf.writestr(name, body)
    return out.getvalue()


def _local_header(data: bytes, member: str) -> int:
    """Where the local header of ``member`` starts (its name follows the 30-byte header)."""
    return data.index(member.encode()) - 30


def _corpus(tmp_path):
    good = _xlsx_bytes()
    sheet = "xl/worksheets/sheet1.xml"
    files = {}
    # a bad CRC: one byte of the compressed sheet changed
    b = bytearray(good)
    at = _local_header(good, sheet) + 30 + len(sheet) + 40
    b[at] ^= 0xFF
    files["crc.xlsx"] = bytes(b)
    # cut short
    files["cut.xlsx"] = good[: len(good) * 2 // 3]
    # an unknown compression method (zip version): method field of every local and central header
    b = bytearray(good)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = b.find(sig)
        while i >= 0:
            b[i + off:i + off + 2] = (99).to_bytes(2, "little")
            i = b.find(sig, i + 4)
    files["method.xlsx"] = bytes(b)
    # "encrypted": the flag bit 0 set on every entry
    b = bytearray(good)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = b.find(sig)
        while i >= 0:
            b[i + off] |= 1
            i = b.find(sig, i + 4)
    files["encrypted.xlsx"] = bytes(b)
    # the workbook names a sheet whose part is missing
    files["nosheet.xlsx"] = _rezip(good, drop=sheet)
    # a zlib stream that is not deflate
    b = bytearray(good)
    start = _local_header(good, sheet) + 30 + len(sheet)
    b[start:start + 8] = b"\xff" * 8
    files["zlib.xlsx"] = bytes(b)
    # an ods whose one row is repeated a million times, with columns repeated too
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="A">'
               + '<table:table-row table:number-rows-repeated="1000000">'
               + '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
               '<text:p>x</text:p></table:table-cell>' * 3 + '</table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    files["repeat.ods"] = out.getvalue()
    # shared strings beyond the cap (compressible, below the per-member ratio check's reach
    # only by its size)
    big = ("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
           + "".join(f"<si><t>{i:08d}{'ab' * 20}</t></si>" for i in range(1_100_000)) + "</sst>")
    files["sst.xlsx"] = _rezip(good, replace={"xl/sharedStrings.xml": big})
    # a row numbered below 1, which a reader would drop without a word
    xml = zipfile.ZipFile(io.BytesIO(good)).read(sheet).decode()
    files["negative.xlsx"] = _rezip(good, replace={sheet: xml.replace('<row r="3"', '<row r="-5"', 1)})
    paths = {}
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        paths[name] = p
    return paths


def test_damaged_and_hostile_spreadsheets_get_one_line(cli, tmp_path):
    before = counts(cli.path)
    for name, path in _corpus(tmp_path).items():
        started = time.perf_counter()
        rc, out, err = cli("import", "students", str(path), "--year", "2024-2025")
        took = time.perf_counter() - started
        assert rc == 2, (name, rc, out, err)
        assert "Traceback" not in out + err and "Lỗi chương trình" not in err, (name, err)
        assert err.startswith("Lỗi: ") and len(err.strip().splitlines()) == 1, (name, err)
        assert took < 10, (name, took)
        assert counts(cli.path) == before, name


def test_hostile_files_are_refused_in_bounded_time_and_memory(tmp_path):
    """Each file read in a process of its own: refused in under 2 s, peak memory under 200 MB
    above the interpreter's own."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import json, resource, sys, time\n"
        "from exports.importer import read_students\n"
        "from db.errors import SisoError\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "t = time.perf_counter()\n"
        "try:\n    read_students(sys.argv[1]); refused = False\n"
        "except SisoError:\n    refused = True\n"
        "print(json.dumps({'s': time.perf_counter() - t, 'refused': refused,\n"
        "  'mb': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))\n")
    root = Path(__file__).resolve().parent.parent
    for name, path in _corpus(tmp_path).items():
        done = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=root,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (name, done.stderr)
        result = json.loads(done.stdout)
        assert result["refused"], name
        assert result["s"] < 2 and result["mb"] < 200, (name, result)
        from fault_report import report

        report(f"hostile import {name}", "tests/test_import_damaged_zip.py::"
               "test_hostile_files_are_refused_in_bounded_time_and_memory",
               kb=round(path.stat().st_size / 1024, 1), seconds=round(result["s"], 3),
               peak_mb=round(result["mb"], 1), refused=True)
