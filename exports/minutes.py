"""F9 ``bien-ban``: the minutes of one home visit (BIÊN BẢN VẬN ĐỘNG HỌC SINH RA LỚP).

One A4 portrait page per visit, laid out as Nghị định 30/2020 asks (Times New Roman 13,
margins top/bottom 20 mm, left 30 mm, right 15 mm): managing body and school top left,
the national motto top right, the title with the visit number, then time and place, who
visited, the student and class, who in the family was met, what was found, what the
family committed to, the result, and three signature blocks.

- ``minutes_text``: the minutes as plain text (``siso report bien-ban`` without ``-o``).
- ``minutes_docx``: the .docx bytes (python-docx, imported here only).
- ``write_minutes``: a .docx, .pdf (LibreOffice ``soffice --headless``, each conversion with
  its own profile folder) or .json file, written atomically; PDF without LibreOffice is
  refused with what to install.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from db.dates import fmt_date, place_date_line
from db.errors import SisoError

from db.files import atomic_write
from db import fields

FORMATS = ("docx", "pdf", "json")
TITLE = "BIÊN BẢN VẬN ĐỘNG HỌC SINH RA LỚP"
FONT = "Times New Roman"
FONT_PT = 13
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
RESULT_TEXT = {"returned": "Học sinh đã trở lại lớp.",
               "promised": "Gia đình hứa cho con trở lại lớp.",
               "refused": "Gia đình chưa đồng ý cho con trở lại lớp.",
               "nobody": "Không gặp được ai ở nhà."}


def _lines(form: dict, settings: dict) -> dict:
    """The pieces of the minutes, shared by the text and the .docx."""
    day = date.fromisoformat(form["ngay"])
    st = form["hoc_sinh"]
    visitors = [f"{p['ho_ten']} — {p['ten_vai_tro']}" for p in form["nguoi_di"]]
    place = settings.get("dia_danh") or settings.get("xa") or ""
    return {
        "body": (settings.get("co_quan_quan_ly") or "").upper(),
        "school": (settings.get("ten_truong") or "").upper(),
        "title": TITLE,
        "subtitle": f"(Lần thứ {form['lan']})",
        "time": f"Hôm nay, ngày {fmt_date(day)}, tại {form['dia_diem'] or 'nhà học sinh'}.",
        "visitors": visitors,
        "student": f"Học sinh: {st['ho_ten']} (mã {st['ma']}), lớp {st['lop'] or '…'}.",
        "met": form["nguoi_gap"] or "(không gặp được ai)",
        "found": form["tinh_hinh"],
        "commitment": form["cam_ket"] or "(không có)",
        "result": RESULT_TEXT.get(form["ket_qua"], form["ket_qua"]),
        "footer": place_date_line(place, day) if place else f"Ngày {fmt_date(day)}",
        "signers": [("ĐẠI DIỆN GIA ĐÌNH", "(Cha, mẹ, người giám hộ hoặc hàng xóm)",
                     form["nguoi_ky"]),
                    ("GIÁO VIÊN CHỦ NHIỆM", "(Ký, ghi rõ họ tên)", _homeroom(form)),
                    ("ĐẠI DIỆN NHÀ TRƯỜNG", "(Ký tên, đóng dấu)",
                     settings.get("hieu_truong") or "")],
    }


def _homeroom(form: dict) -> str:
    for p in form["nguoi_di"]:
        if p["vai_tro"] == "gvcn" or "chủ nhiệm" in p["ten_vai_tro"].lower():
            return p["ho_ten"]
    return ""


def minutes_text(form: dict, settings: dict) -> str:
    """The minutes as plain text, in the order of the printed page."""
    p = _lines(form, settings)
    out = [p["body"], p["school"], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc", "", p["title"], p["subtitle"], "", p["time"],
           "Thành phần đi vận động:"]
    out += [f"  - {v}" for v in p["visitors"]]
    out += [p["student"], f"Người trong gia đình được gặp: {p['met']}",
            f"Tình hình: {p['found']}", f"Gia đình cam kết: {p['commitment']}",
            f"Kết quả: {p['result']}", "", p["footer"]]
    for title, hint, name in p["signers"]:
        out.append(f"{title} {hint}: {name}")
    return "\n".join(line for line in out if line is not None) + "\n"


def minutes_docx(form: dict, settings: dict) -> bytes:
    """The minutes as a one-page A4 portrait .docx."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    p = _lines(form, settings)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(FONT_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)

    def para(text="", *, bold=False, italic=False, align=None, container=None, size=None):
        target = container if container is not None else doc
        par = target.add_paragraph()
        if align == "center":
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "justify":
            par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = par.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.name = FONT
        run.font.size = Pt(size or FONT_PT)
        return par

    def cell_lines(cell, lines):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
        for text, bold, italic in lines:
            para(text, bold=bold, italic=italic, align="center", container=cell)

    def widths(table, mm):
        table.autofit = False
        for column, w in zip(table.columns, mm):
            column.width = Mm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, mm):
                cell.width = Mm(w)

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(head, (62, 103))  # the motto on one line (165 mm between the margins)
    cell_lines(head.cell(0, 0), [(p["body"], False, False), (p["school"], True, False)])
    cell_lines(head.cell(0, 1), [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
                                 ("Độc lập - Tự do - Hạnh phúc", True, False)])
    para()
    para(p["title"], bold=True, align="center", size=14)
    para(p["subtitle"], bold=True, align="center")
    para(p["time"], align="justify")
    para("Thành phần đi vận động:", bold=True)
    for v in p["visitors"]:
        para(f"- {v}")
    para(p["student"], align="justify")
    for label, key in (("Người trong gia đình được gặp", "met"), ("Tình hình", "found"),
                       ("Gia đình cam kết", "commitment"), ("Kết quả", "result")):
        par = para("", align="justify")
        run = par.add_run(f"{label}: ")
        run.bold = True
        run.font.name, run.font.size = FONT, Pt(FONT_PT)
        run = par.add_run(p[key])
        run.font.name, run.font.size = FONT, Pt(FONT_PT)
    para("Biên bản được lập thành hai bản, gia đình giữ một bản, nhà trường giữ một bản.",
         italic=True, align="justify")
    par = para(p["footer"], italic=True)
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign = doc.add_table(rows=2, cols=3)  # titles, then the names on one line under the space
    sign.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(sign, (55, 55, 55))
    for i, (title, hint, name) in enumerate(p["signers"]):
        cell_lines(sign.cell(0, i), [(title, True, False), (hint, False, True)])
        cell_lines(sign.cell(1, i), [("", False, False), ("", False, False), ("", False, False),
                                     (name, True, False)])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def soffice() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


NO_LIBREOFFICE = ("Không xuất được PDF: máy chưa cài LibreOffice (lệnh «soffice»). Cài LibreOffice "
                  "Writer (Debian/Ubuntu: «sudo apt-get install libreoffice-writer»; Windows, macOS: "
                  "https://www.libreoffice.org), hoặc xuất .docx rồi in từ Word.")


def docx_to_pdf(data: bytes) -> bytes:
    """Convert a .docx to PDF with LibreOffice, in a fresh profile folder (two conversions at
    once do not share one)."""
    program = soffice()
    if program is None:
        raise SisoError(NO_LIBREOFFICE, fields.DINH_DANG)
    with tempfile.TemporaryDirectory(prefix="siso-pdf-") as work:
        folder = Path(work)
        src = folder / "bien-ban.docx"
        src.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless",
                                   "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                                  capture_output=True, timeout=180)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SisoError(f"LibreOffice không chuyển được sang PDF: {exc}.", fields.DINH_DANG) from None
        pdf = folder / "bien-ban.pdf"
        if done.returncode != 0 or not pdf.exists():
            why = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip()[:200]
            raise SisoError(f"LibreOffice không chuyển được sang PDF ({why or done.returncode}).",
                            fields.DINH_DANG)
        return pdf.read_bytes()


def format_of(path, fmt: str | None = None) -> str:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise SisoError(f"Biên bản xuất ra .docx, .pdf hoặc .json, không phải «{fmt or path}».",
                        fields.DINH_DANG)
    return fmt


def write_minutes(form: dict, settings: dict, path, fmt: str | None = None, *,
                  overwrite: bool = False) -> Path:
    """Write the minutes to ``path`` (.docx, .pdf or .json), atomically; an existing file only
    with ``overwrite``."""
    fmt = format_of(path, fmt)
    if fmt == "json":
        data = json.dumps(form, ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "docx":
        data = minutes_docx(form, settings)
    else:
        if soffice() is None:
            raise SisoError(NO_LIBREOFFICE, fields.DINH_DANG)
        data = docx_to_pdf(minutes_docx(form, settings))
    written = atomic_write(path, data, overwrite=overwrite)
    from db.audit_log import note_export

    note_export(f"bien-ban-van-dong:{form.get('hoc_sinh', {}).get('ma', '')}", written)
    return written


def default_filename(form: dict, fmt: str = "docx") -> str:
    return f"bien-ban-{form['hoc_sinh']['ma']}-lan-{form['lan']}.{fmt}"


__all__ = ["minutes_text", "minutes_docx", "write_minutes", "docx_to_pdf", "soffice",
           "default_filename"]
