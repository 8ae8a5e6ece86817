"""Import a student list: check a plan against the database, write it, undo it.

``exports.importer.read_students`` turns a file into a plan (rows and problems,
no database). Here:

* :func:`review` — the dry run: which rows will be imported, which classes will be
  created, and every problem (codes and national IDs already used, possible
  duplicates by name and date of birth, classes of the wrong grade…);
* :func:`run_import` — all or nothing, in one transaction with its audit line,
  recorded as one ``Batch`` (kind ``import``); each student gets an admission
  event and its enrolment span (bulk inserts; equal to ``events.rebuild_spans``);
* :func:`undo_import` — removes a whole batch while nothing else touched it;
* :func:`list_imports`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from . import audit, clock, fields, kinds, text
from .dates import fmt_date, parse_date
from .errors import SisoError, parse_id
from .import_plan import FIELDS, IGNORE, UNUSED, Problem
from .events import check_date, semester_of
from .models import Audit, Batch, Event, SchoolClass, SchoolYear, Span, Student, Village
from .school import check_class_name, check_grade, grade_in_name, normalize_class_name, school_level

ACTION = "import.students"
UNDO_ACTION = "import.undo"
_CHUNK = 400  # values per IN (…) and rows per INSERT stay well under any engine's limit

# what to do with a row that looks like a student already in the database
ASK, ACCEPT, SKIP = "ask", "accept", "skip"

# How each door lets the user act on a problem the dry run reports: the messages are the
# same, the way to answer them is the door's own (a CLI option, a field of the wizard).
CLI_HINTS = {
    "class": "--class 6A1",
    "new_class": "siso class add",
    "duplicates": "chọn nhập vẫn (--accept-duplicates) hoặc bỏ qua (--skip-duplicates)",
}
TUI_HINTS = {
    "class": "ô «Lớp cho cả danh sách»",
    "new_class": "Ctrl+L ở màn hình danh sách lớp",
    "duplicates": "chọn «vẫn nhập» hoặc «bỏ qua» ở ô «Học sinh có thể trùng»",
}


@dataclass
class Duplicate:
    row: int
    name: str
    dob: date
    existing: str  # "Nguyễn Văn An (HS000012), lớp …"


@dataclass
class Review:
    """The dry run's answer: what an import would do, and what stops it."""

    plan: object  # exports.importer.ImportPlan
    year: SchoolYear
    day: date
    rows: list = field(default_factory=list)  # PlanRow to import, with .klass set
    new_classes: list[tuple[str, int]] = field(default_factory=list)
    problems: list = field(default_factory=list)  # db.import_plan.Problem
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows left out (possible duplicates skipped)
    new_villages: list[tuple[str, str]] = field(default_factory=list)  # (name, commune) to create

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def class_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.klass] = out.get(r.klass, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: text.natural_key(kv[0])))

    def report(self) -> str:
        """The dry-run report in Vietnamese (the CLI prints it; the TUI shows it)."""
        lines = []
        src = os.path.basename(self.plan.table.path)
        sheet = f", trang «{self.plan.table.sheet}»" if self.plan.table.sheet else ""
        hdr = self.plan.header
        lines.append(f"Tệp {src}{sheet}: dòng tiêu đề {self.plan.table.rows[hdr.index][0] if hdr else '?'}.")
        cols = [f"«{self.plan.column_title(i)}» → {FIELDS[f]}" for i, f in sorted(self.plan.mapping.items())
                if f != IGNORE and f not in UNUSED]
        lines.append("Cột nhận ra: " + "; ".join(cols) + ".")
        unused = [f"«{self.plan.column_title(i)}»" for i, f in sorted(self.plan.mapping.items()) if f in UNUSED]
        if unused:
            lines.append("Cột biết nhưng siso không lưu (bỏ qua): " + ", ".join(unused) + ".")
        lines.append(f"Năm học {self.year.name}, ngày nhập học {fmt_date(self.day)}.")
        lines.append(f"Sẽ nhập {len(self.rows)} học sinh"
                     + (": " + ", ".join(f"{k} ({n})" for k, n in self.class_counts().items())
                        if self.rows else "") + ".")
        if self.new_classes:
            lines.append("Lớp sẽ tạo mới: " + ", ".join(f"{n} (khối {g})" for n, g in self.new_classes) + ".")
        if self.new_villages:
            lines.append("Thôn/làng sẽ tạo mới: " + ", ".join(
                f"{n} ({c})" if c else n for n, c in self.new_villages) + ".")
        if self.skipped:
            lines.append(f"Bỏ qua {len(self.skipped)} dòng có thể trùng học sinh đã có: "
                         + ", ".join(str(r) for r in self.skipped) + ".")
        for p in sorted(self.problems, key=lambda p: (p.row or 0, p.severity != "error")):
            lines.append(p.line())
        n_err = len(self.errors)
        if n_err:
            lines.append(f"Có {n_err} lỗi: chưa nhập gì. Sửa tệp (hoặc gán lại cột) rồi nhập lại.")
        elif not self.rows:
            lines.append("Không có học sinh nào để nhập.")
        else:
            lines.append("Không có lỗi: có thể nhập.")
        return "\n".join(lines)


def _chunks(seq, n=_CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _problem(row, column, message, severity="error"):
    return Problem(row, column, message, severity)


def _col(plan, fld: str) -> str:
    return next((plan.column_title(i) for i, f in plan.mapping.items() if f == fld), "")


def _grade_problem(grade, level: str) -> str | None:
    """Why a new class's grade is refused (the rule of ``db.school.check_grade``), or None."""
    try:
        check_grade(grade, level)
    except SisoError as err:
        return err.message
    return None


def _name_problem(name: str) -> str | None:
    """Why a new class's name is refused (``db.school.check_class_name``), or None."""
    try:
        check_class_name(name)
    except SisoError as err:
        return err.message
    return None


def review(plan, year: SchoolYear, *, klass: str | None = None, day=None,
           duplicates: str = ASK, hints: dict | None = None) -> Review:
    """Check ``plan`` against the database; writes nothing. With no ``day``, the students
    are admitted on ``clock.admission_day``. ``hints`` say how the user answers a problem
    (``CLI_HINTS``, the default, or ``TUI_HINTS``)."""
    hints = hints or CLI_HINTS
    day = parse_date(day, "ngày nhập học", fields.NGAY_VAO) if day not in (None, "") else clock.admission_day(year)
    check_date(year, day)
    rv = Review(plan, year, day, problems=list(plan.problems))
    if day <= year.ref_date < clock.today():
        rv.problems.append(_problem(None, "", f"Ngày nhập học {fmt_date(day)} không sau ngày chốt sĩ số "
                                    f"đầu năm ({fmt_date(year.ref_date)}), ngày đó đã qua: sĩ số đầu năm "
                                    "đã báo cáo sẽ thay đổi.", "warning"))
    existing = {c.name: c for c in SchoolClass.select().where(SchoolClass.year == year)}
    forced = None
    if klass:
        forced = normalize_class_name(klass)
        if forced not in existing and grade_in_name(forced) is None:
            rv.problems.append(_problem(None, "", f"Lớp {forced} chưa có trong năm học {year.name} và tên "
                                        f"lớp không cho biết khối: tạo lớp trước ({hints['new_class']})."))
            return rv
    elif "klass" not in plan.fields:
        rv.problems.append(_problem(None, "", "Tệp không có cột «Lớp»: chọn một lớp cho cả danh sách "
                                    f"({hints['class']})."))
        return rv
    rows = []
    new: dict[str, int] = {}
    level = school_level()
    for r in plan.rows:
        name = forced or r.klass
        grade = r.grade if not forced else (existing[forced].grade if forced in existing
                                            else grade_in_name(forced))
        if name in existing:
            if r.grade is not None and not forced and existing[name].grade != r.grade:
                rv.problems.append(_problem(r.row, _col(plan, "grade"),
                                            f"Lớp {name} đã có ở khối {existing[name].grade}, tệp ghi khối {r.grade}."))
                continue
        elif (bad_name := _name_problem(name)) is not None:
            rv.problems.append(_problem(r.row, _col(plan, "klass"), bad_name))
            continue
        elif grade is None:
            rv.problems.append(_problem(r.row, _col(plan, "klass"),
                                        f"Lớp {name} chưa có và không biết khối: thêm cột «Khối» "
                                        "hoặc tạo lớp trước."))
            continue
        elif (bad_grade := _grade_problem(grade, level)) is not None:
            rv.problems.append(_problem(r.row, _col(plan, "klass"), f"Lớp {name}: {bad_grade}"))
            continue
        elif name in new and new[name] != grade:
            rv.problems.append(_problem(r.row, _col(plan, "grade"),
                                        f"Lớp {name} ghi khối {grade}, các dòng trước ghi khối {new[name]}."))
            continue
        else:
            new[name] = grade
        r = replace(r, klass=name, grade=grade)
        if r.values["dob"] > day:
            rv.problems.append(_problem(r.row, _col(plan, "dob"), f"Ngày sinh {fmt_date(r.values['dob'])} "
                                        f"sau ngày nhập học {fmt_date(day)}."))
            continue
        rows.append(r)
    rv.new_classes = sorted(new.items(), key=lambda kv: (kv[1], text.natural_key(kv[0])))
    _review_villages(plan, rows, rv)
    # the same code / national ID already in the database
    for key, label, fld in (("code", "Mã học sinh", "code"), ("national_id", "Mã định danh", "national_id"),
                            ("so_dang_bo", "Số đăng bộ", "so_dang_bo")):
        wanted = {r.values[key]: r for r in rows if r.values.get(key)}
        column = getattr(Student, key)
        for part in _chunks(wanted):
            for st in Student.select(Student.code, Student.national_id, Student.family, Student.middle,
                                     Student.given, Student.so_dang_bo).where(column.in_(part)):
                r = wanted[getattr(st, key)]
                rv.problems.append(_problem(r.row, _col(plan, fld), f"{label} {getattr(st, key)} đã là của học "
                                            f"sinh {st.full_name} ({st.code}) trong cơ sở dữ liệu."))
    # possible duplicates: same folded name and date of birth
    by_name: dict[str, list] = {}
    for r in rows:
        by_name.setdefault(text.fold(r.full_name), []).append(r)
    skip: set[int] = set()
    for part in _chunks(by_name):
        q = Student.select(Student.code, Student.family, Student.middle, Student.given, Student.dob,
                           Student.name_folded).where(Student.name_folded.in_(part))
        for st in q:
            for r in by_name.get(st.name_folded, []):
                if r.values["dob"] != st.dob:
                    continue
                rv.duplicates.append(Duplicate(r.row, r.full_name, st.dob, f"{st.full_name} ({st.code})"))
                msg = (f"Có thể trùng học sinh đã có {st.full_name} ({st.code}), cùng ngày sinh "
                       f"{fmt_date(st.dob)}")
                if duplicates == ACCEPT:
                    rv.problems.append(_problem(r.row, "", msg + ": vẫn nhập (đã đồng ý).", "warning"))
                elif duplicates == SKIP:
                    rv.problems.append(_problem(r.row, "", msg + ": bỏ qua dòng này.", "warning"))
                    skip.add(r.row)
                else:
                    rv.problems.append(_problem(r.row, "", msg + f": {hints['duplicates']}."))
    bad_rows = {p.row for p in rv.problems if p.severity == "error" and p.row is not None}
    rv.rows = [r for r in rows if r.row not in skip and r.row not in bad_rows]
    rv.skipped = sorted(skip)
    if rv.new_classes:
        used = {r.klass for r in rv.rows}
        rv.new_classes = [(n, g) for n, g in rv.new_classes if n in used]
    return rv


def _review_villages(plan, rows, rv: Review) -> None:
    """The file's villages (db.villages): a (name, commune) the database has is taken; a
    name without a commune is the one village of that name; a name that differs from an
    existing village (or from another spelling in the file) only in accents, case or
    spaces is an error to map, naming row, column and the village; any other is created."""
    from .villages import label, similar_key

    known = list(Village.select())
    exact = {(v.name, v.commune) for v in known}
    by_name: dict[str, list] = {}
    named: dict[str, list] = {}  # exact name -> villages (in every commune)
    for v in known:
        by_name.setdefault(similar_key(v.name), []).append(v)
        named.setdefault(v.name, []).append(v)
    first: dict[tuple[str, str], tuple[str, str, int]] = {}  # similar key -> spelling, row
    col = _col(plan, "village")
    for r in rows:
        name, commune = r.values.get("village") or "", r.values.get("commune") or ""
        if not name or (name, commune) in exact:
            continue
        if not commune:
            same = named.get(name, [])
            if len(same) == 1:
                continue
            if same:
                rv.problems.append(_problem(r.row, col, f"Thôn «{name}» có ở nhiều xã "
                                            f"({', '.join(v.commune for v in same)}): thêm cột «Xã»."))
                continue
        near = [v for v in by_name.get(similar_key(name), [])
                if not commune or similar_key(v.commune) == similar_key(commune)]
        if near:
            rv.problems.append(_problem(
                r.row, col, f"Thôn «{name}» chỉ khác thôn đã có {label(near[0])} ở dấu, chữ hoa "
                f"hoặc khoảng trắng: sửa tệp thành «{near[0].name}» (thôn không được tạo)."))
            continue
        key = (similar_key(commune), similar_key(name))
        seen = first.setdefault(key, (name, commune, r.row))
        if seen[:2] != (name, commune):
            rv.problems.append(_problem(
                r.row, col, f"Thôn «{name}» chỉ khác «{seen[0]}» (dòng {seen[2]}) ở dấu, chữ hoa "
                "hoặc khoảng trắng: ghi một cách cho cả hai dòng."))
        elif seen[2] == r.row:
            rv.new_villages.append((name, commune))


def _village_ids(rv: Review) -> dict[tuple[str, str], tuple[int, str]]:
    """Inside the import's write: create the new villages; (name, commune as in the file)
    -> (village id, commune) for every village the rows name."""
    for name, commune in rv.new_villages:
        Village.create(name=name, commune=commune)
    out = {}
    for v in Village.select():
        out[(v.name, v.commune)] = (v.id, v.commune)
        out.setdefault((v.name, ""), (v.id, v.commune))  # a name in one commune only
    return out


def _new_codes(count: int, taken: set[str]) -> list[str]:
    """Codes HS000123 for rows without one, after the highest id, skipping codes in use."""
    last = Student.select(Student.id).order_by(Student.id.desc()).first()
    n = (last.id if last else 0) + 1
    out = []
    existing = {s.code for s in Student.select(Student.code).where(Student.code.startswith("HS"))}
    while len(out) < count:
        c = f"HS{n:06d}"
        if c not in taken and c not in existing:
            out.append(c)
        n += 1
    return out


@dataclass
class ImportResult:
    batch: Batch
    count: int
    classes: list[str]
    review: Review


def run_import(plan, year: SchoolYear, *, klass: str | None = None, day=None, duplicates: str = ASK,
               progress=None, hints: dict | None = None) -> ImportResult:
    """Import every row of the plan or nothing. ``progress(done, total)`` is called as it goes.

    Raises SisoError (writing nothing) when the dry run finds any error.
    """
    from . import users

    users.require_admin("nhập danh sách")
    src = os.path.basename(plan.table.path)
    with audit.write(ACTION, "", file=src, sheet=plan.table.sheet, year=year.name) as info:
        rv = review(plan, year, klass=klass, day=day, duplicates=duplicates, hints=hints)
        if rv.errors:
            first = rv.errors[0].line()
            raise SisoError(f"Không nhập: có {len(rv.errors)} lỗi trong tệp {src}. {first}"
                            + (" (xem báo cáo chạy thử để biết tất cả)." if len(rv.errors) > 1 else ""), fields.TEP)
        if not rv.rows:
            raise SisoError(f"Không nhập: tệp {src} không có học sinh nào để nhập.", fields.TEP)
        total = len(rv.rows)
        user = audit.current_user()
        now = datetime.now()
        batch = Batch.create(kind="import", year=year, created_by=user, created_at=now,
                             description=f"Nhập {total} học sinh từ {src}")
        classes = {c.name: c.id for c in SchoolClass.select().where(SchoolClass.year == year)}
        created = []
        for name, grade in rv.new_classes:
            c = SchoolClass.create(year=year, name=name, grade=grade, homeroom="")
            classes[name] = c.id
            created.append(c.id)
        file_codes = {r.values["code"] for r in rv.rows if r.values.get("code")}
        fresh = iter(_new_codes(sum(1 for r in rv.rows if not r.values.get("code")), file_codes))
        places = _village_ids(rv)
        from .register import raise_above, take

        given = [r.values["so_dang_bo"] for r in rv.rows if r.values.get("so_dang_bo")]
        if given:
            raise_above(max(given))  # the counter continues above the file's numbers
        numbers = iter(range(take(total - len(given)), 1 << 62))  # one block, same transaction
        students = []
        for r in rv.rows:
            v = dict(r.values)
            if v.get("village"):
                v["village_ref"], v["commune"] = places[(v["village"], v.get("commune") or "")]
            v.setdefault("code", None)
            if not v["code"]:
                v["code"] = next(fresh)
            v.setdefault("national_id", None)
            v.setdefault("disability", None)
            if not v.get("so_dang_bo"):
                v["so_dang_bo"] = next(numbers)
            for k in ("family", "middle", "village", "commune", "birthplace", "father", "mother", "guardian",
                      "phone", "address"):
                v.setdefault(k, "")
            v["sort_key"] = text.sort_key(v["family"], v["middle"], v["given"], v["dob"])
            v["name_folded"] = text.fold(text.join_name(v["family"], v["middle"], v["given"]))
            v["batch"] = batch.id
            v["created_at"] = now
            students.append(v)
        done = 0
        for part in _chunks(students, 50):
            Student.insert_many(part).execute()
            done += len(part)
            if progress:
                progress(done // 2, total)
        ids = {s.code: s.id for s in Student.select(Student.id, Student.code).where(Student.batch == batch.id)}
        semester = semester_of(year, rv.day)
        events = [dict(student=ids[s["code"]], year=year.id, kind=kinds.ADMIT, date=rv.day,
                       klass=classes[r.klass], semester=semester, batch=batch.id, recorded_by=user,
                       recorded_at=now, vocational=False)
                  for s, r in zip(students, rv.rows)]
        for part in _chunks(events, 100):
            Event.insert_many(part).execute()
        spans = [dict(student=e.student_id, year=year.id, klass=e.klass_id, start=rv.day, end=None,
                      start_event=e.id, end_event=None)
                 for e in Event.select(Event.id, Event.student, Event.klass).where(Event.batch == batch.id)]
        for part in _chunks(spans, 100):
            Span.insert_many(part).execute()
            done += len(part)
            if progress:
                progress(min(total, total // 2 + done // 2), total)
        info.update(_target=f"batch:{batch.id}", batch=batch.id, count=total,
                    classes=created, class_names=[n for n, _ in rv.new_classes], day=rv.day)
    if progress:
        progress(total, total)
    return ImportResult(batch, total, [n for n, _ in rv.new_classes], rv)


def _import_audit(batch: Batch) -> Audit | None:
    return (Audit.select().where((Audit.action == ACTION) & (Audit.target == f"batch:{batch.id}"))
            .order_by(Audit.id).first())


def undo_import(batch_id) -> int:
    """Remove every student of an import batch (and the classes it created, when empty).

    Refused when anything else touched those students since: another event, a voided
    admission, an edit recorded in the audit log. Returns the number of students removed.
    """
    from . import users

    users.require_admin("hoàn tác lần nhập")
    hint = " (xem «siso import list»)"
    batch = Batch.get_or_none(Batch.id == parse_id(batch_id, "lần nhập", fields.LAN_NHAP, hint))
    if batch is None or batch.kind != "import":
        raise SisoError(f"Không có lần nhập số «{batch_id}».", fields.LAN_NHAP)
    if batch.undone_at is not None:
        raise SisoError(f"Lần nhập số {batch.id} đã được hoàn tác lúc "
                        f"{batch.undone_at:%d/%m/%Y %H:%M} bởi {batch.undone_by}.", fields.LAN_NHAP)
    with audit.write(UNDO_ACTION, f"batch:{batch.id}") as info:
        ids = [s.id for s in Student.select(Student.id).where(Student.batch == batch.id)]
        codes = [s.code for s in Student.select(Student.code).where(Student.batch == batch.id)]
        for part in _chunks(ids):
            other = (Event.select(Event.student, Event.kind, Event.date)
                     .where(Event.student.in_(part)
                            & ((Event.batch != batch.id) | Event.batch.is_null() | Event.voided_at.is_null(False)))
                     .first())
            if other is not None:
                st = Student.get_by_id(other.student_id)
                raise SisoError(f"Không hoàn tác được lần nhập {batch.id}: học sinh {st.full_name} ({st.code}) "
                                f"đã có biến động khác sau khi nhập ({kinds.LABELS.get(other.kind, other.kind)} "
                                f"ngày {fmt_date(other.date)}).", fields.LAN_NHAP)
        mark = _import_audit(batch)
        after = mark.id if mark else 0
        for part in _chunks([f"student:{c}" for c in codes]):
            edit = Audit.select().where(Audit.target.in_(part) & (Audit.id > after)).first()
            if edit is not None:
                raise SisoError(f"Không hoàn tác được lần nhập {batch.id}: {edit.target.split(':', 1)[1]} "
                                f"đã được sửa lúc {edit.at:%d/%m/%Y %H:%M} ({edit.action}).", fields.LAN_NHAP)
        noted = json.loads(mark.detail) if mark else {}
        created = noted.get("cac_lop", noted.get("classes", []))  # older lines: classes
        for part in _chunks(ids):
            Span.delete().where(Span.student.in_(part)).execute()
            Event.delete().where(Event.student.in_(part) & (Event.batch == batch.id)).execute()
            Student.delete().where(Student.id.in_(part)).execute()
        removed_classes = []
        for cid in created:
            if not Event.select().where((Event.klass == cid) | (Event.from_klass == cid)).exists() and \
                    not Span.select().where(Span.klass == cid).exists():
                c = SchoolClass.get_or_none(SchoolClass.id == cid)
                if c is not None:
                    removed_classes.append(c.name)
                    c.delete_instance()
        batch.undone_at = datetime.now()
        batch.undone_by = audit.current_user()
        batch.save()
        info.update(count=len(ids), codes=codes, classes_removed=removed_classes)
    return len(ids)


def list_imports(year: SchoolYear | None = None) -> list[dict]:
    """Import batches, newest first: id, time, user, description, students now, undone."""
    q = Batch.select().where(Batch.kind == "import")
    if year is not None:
        q = q.where(Batch.year == year)
    out = []
    for b in q.order_by(Batch.id.desc()):
        n = Student.select().where(Student.batch == b.id).count()
        out.append({"id": b.id, "luc": b.created_at.strftime("%d/%m/%Y %H:%M"), "nguoi": b.created_by,
                    "nam_hoc": b.year.name if b.year_id else "", "mo_ta": b.description, "so_hs": n,
                    "hoan_tac": b.undone_at.strftime("%d/%m/%Y %H:%M") if b.undone_at else ""})
    return out
