"""The peewee models. The database is a proxy bound at start-up (see ``db.connection``).

History is the truth: a student's class and status on any date come from the
``Event`` rows. ``Span`` (enrolment spans) is derived from the events to make
"as of a date" queries fast, and must always equal a full rebuild
(``db.events.rebuild_spans``; ``siso check`` verifies it).
"""

from __future__ import annotations

from datetime import datetime

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    SQL,
    Model,
    TextField,
)

from . import text

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class KeyValue(BaseModel):
    """A table of ``key`` → ``value`` text."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()

    @classmethod
    def put(cls, key: str, value: str) -> None:
        """Insert or overwrite one key, with SQL both SQLite and PostgreSQL accept
        (``INSERT … ON CONFLICT (key) DO UPDATE``; ``Model.replace`` is SQLite-only)."""
        (cls.insert(key=key, value=value)
         .on_conflict(conflict_target=[cls.key], preserve=[cls.value])
         .execute())


class DatabaseFact(KeyValue):
    """Internal key/value facts about the database itself (schema version, the demo's mark).
    Its table is ``meta``: that table is how a siso database is recognised."""

    class Meta:
        table_name = "meta"


class Setting(KeyValue):
    """The school's details, one row per key (see ``db.school.SETTINGS``)."""


class SchoolYear(BaseModel):
    name = CharField(unique=True, max_length=9)  # 2024-2025
    start = DateField()
    end = DateField()
    hk2_start = DateField()
    ref_date = DateField()  # start-of-year count is taken at the end of this day
    ngay_hoc = CharField(default="2-6", max_length=3)  # teaching weekdays: 2-6 Mon–Fri, 2-7 Mon–Sat

    class Meta:
        table_name = "school_year"

    def __str__(self) -> str:
        return self.name


class SchoolClass(BaseModel):
    year = ForeignKeyField(SchoolYear, backref="classes", on_delete="RESTRICT")
    name = CharField(max_length=20)
    grade = IntegerField()
    homeroom = CharField(default="", max_length=100)  # GVCN

    class Meta:
        table_name = "school_class"
        indexes = ((("year", "name"), True),)

    def __str__(self) -> str:
        return self.name


class Batch(BaseModel):
    """A group of writes that can be undone as a whole (an import, a rollover)."""

    kind = CharField(max_length=20)  # import | rollover
    year = ForeignKeyField(SchoolYear, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=datetime.now)
    created_by = CharField(max_length=100)
    description = TextField(default="")
    undone_at = DateTimeField(null=True)
    undone_by = CharField(null=True, max_length=100)


class Village(BaseModel):
    """A village (thôn, làng, buôn, ấp, tổ dân phố) of a commune, known by (name, commune):
    "Thôn 1" exists in many communes. ``staff``: the names of the staff the school assigned
    to it, one per line (``db.villages.staff_list``)."""

    name = CharField(max_length=100)
    commune = CharField(default="", max_length=100)
    head = CharField(default="", max_length=100)  # trưởng thôn / làng
    head_phone = CharField(default="", max_length=20)
    staff = TextField(default="")

    class Meta:
        indexes = ((("name", "commune"), True),)


class Student(BaseModel):
    code = CharField(unique=True, max_length=32)
    national_id = CharField(null=True, unique=True, max_length=12)
    family = CharField(default="", max_length=60)
    middle = CharField(default="", max_length=100)
    given = CharField(max_length=60)
    female = BooleanField(default=False)
    dob = DateField()
    ethnic = CharField(default="01", max_length=2)
    disability = CharField(null=True, max_length=2)
    village = CharField(default="", max_length=100)  # = village_ref.name when set
    commune = CharField(default="", max_length=100)  # = village_ref.commune when set
    village_ref = ForeignKeyField(Village, null=True, on_delete="RESTRICT", column_name="village_id")
    birthplace = CharField(default="", max_length=200)
    guardian = CharField(default="", max_length=100)  # người giám hộ
    father = CharField(default="", max_length=100)  # họ tên cha
    mother = CharField(default="", max_length=100)  # họ tên mẹ
    so_dang_bo = IntegerField(null=True, unique=True)  # register number (db.register)
    phone = CharField(default="", max_length=20)
    address = CharField(default="", max_length=200)
    sort_key = CharField(index=True, max_length=255)
    name_folded = CharField(index=True, max_length=255)
    batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=datetime.now)
    # edits so far: an edit is written only over the version its editor read (db.students)
    version = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    @property
    def full_name(self) -> str:
        return text.join_name(self.family, self.middle, self.given)

    def refresh_derived(self) -> None:
        """Recompute the stored sort key and the folded name from the name fields."""
        self.sort_key = text.sort_key(self.family, self.middle, self.given, self.dob)
        self.name_folded = text.fold(self.full_name)


class Event(BaseModel):
    """One dated change in a student's enrolment. Appended, never deleted; voided instead."""

    student = ForeignKeyField(Student, backref="events", on_delete="RESTRICT")
    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    kind = CharField(max_length=20, index=True)  # see db.kinds
    date = DateField(index=True)
    klass = ForeignKeyField(SchoolClass, null=True, on_delete="RESTRICT")  # class entered/left
    from_klass = ForeignKeyField(SchoolClass, null=True, on_delete="RESTRICT", column_name="from_klass_id")
    semester = CharField(null=True, max_length=3)  # HK1 | HK2 | HE
    reason = CharField(null=True, max_length=200)  # dropout reason code, or free text
    school = CharField(null=True, max_length=200)  # school transferred from / to
    province = CharField(null=True, max_length=100)
    district = CharField(null=True, max_length=100)  # commune / district
    scope = CharField(null=True, max_length=2)  # 01 trong tỉnh, 02 ngoài tỉnh, 03 nước ngoài
    vocational = BooleanField(default=False)
    doc_no = CharField(null=True, max_length=100)
    note = TextField(null=True)
    batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)
    voided_at = DateTimeField(null=True)
    voided_by = CharField(null=True, max_length=100)
    void_reason = TextField(null=True)
    # a dropout recorded with fewer than 3 home visits: the written reason (F2's note)
    without_visits = TextField(null=True)
    # a completion of the school's top grade: where the graduate went (db.yearend.DESTINATIONS)
    destination = CharField(null=True, max_length=10)

    class Meta:
        indexes = ((("student", "date"), False), (("year", "kind", "date"), False))


class Span(BaseModel):
    """Derived: the student was in ``klass`` from the end of ``start`` until the end of
    ``end - 1`` (``end`` is the date of the leaving event; NULL = still there)."""

    student = ForeignKeyField(Student, on_delete="CASCADE")
    year = ForeignKeyField(SchoolYear, on_delete="CASCADE")
    klass = ForeignKeyField(SchoolClass, on_delete="CASCADE")
    start = DateField()
    end = DateField(null=True)
    start_event = ForeignKeyField(Event, on_delete="CASCADE")
    end_event = ForeignKeyField(Event, null=True, on_delete="CASCADE", column_name="end_event_id")

    class Meta:
        indexes = (
            (("year", "start", "end"), False),
            (("klass", "start", "end"), False),
            (("student", "year"), False),
            # covering index for "the student's latest span started by a day" (db.roster)
            (("student", "year", "start", "id"), False),
        )


class Target(BaseModel):
    """A target (chỉ tiêu) the school registered for a school year, per level or grade."""

    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    level = CharField(null=True, max_length=4)  # TH | THCS | THPT, or NULL when per grade
    grade = IntegerField(null=True)
    name = CharField(max_length=40)  # ty_le_bo_hoc, ty_le_duy_tri, …
    value = FloatField()
    op = CharField(null=True, max_length=2)  # lt | le | gt | ge; NULL: the name's default (db.targets)

    class Meta:
        indexes = ((("year", "level", "grade", "name"), True),)


class Audit(BaseModel):
    at = DateTimeField(default=datetime.now, index=True)
    user = CharField(max_length=100)
    action = CharField(max_length=40)
    target = CharField(default="", max_length=100)
    detail = TextField(default="")  # JSON: what changed, before → after


# ---- keeping every student in school: at-risk cases and home visits (db.risk) ----------------

class RiskCase(BaseModel):
    """A student at risk of dropping out (nguy cơ bỏ học): at most one open (``closed`` NULL)
    per student. ``causes``: dropout reason codes, comma-separated (``01,03``)."""

    student = ForeignKeyField(Student, on_delete="RESTRICT")
    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    causes = CharField(default="", max_length=200)
    sponsor = CharField(default="", max_length=100)  # the staff member who sponsors the student
    opened = DateField()
    closed = DateField(null=True)
    result = CharField(null=True, max_length=20)  # returned | dropped | transferred (| died)
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)

    class Meta:
        table_name = "risk_case"
        indexes = ((("student", "closed"), False),)


class Visit(BaseModel):
    """A home visit (vận động) and its signed minutes (F9). ``number`` («lần thứ N») is fixed
    when recorded; a visit recorded in error is voided, never deleted. ``visitors``: JSON list
    of ``{"ho_ten", "vai_tro"}``."""

    student = ForeignKeyField(Student, on_delete="RESTRICT")
    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    case = ForeignKeyField(RiskCase, null=True, on_delete="RESTRICT")
    date = DateField()
    number = IntegerField()
    place = CharField(default="", max_length=200)
    visitors = TextField(default="[]")
    met = TextField(default="")
    found = TextField(default="")
    commitment = TextField(default="")
    result = CharField(max_length=20)  # returned | promised | refused | nobody
    signed_by = CharField(default="", max_length=200)
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)
    voided_at = DateTimeField(null=True)
    voided_by = CharField(null=True, max_length=100)
    void_reason = TextField(null=True)

    class Meta:
        indexes = ((("student", "year", "date"), False),)


class Counter(BaseModel):
    """A named counter that only goes up (``so_dang_bo``: the next register number).
    Taken with ``UPDATE … SET value = value + n`` inside the caller's transaction, so two
    writers never get the same number (``db.register``)."""

    name = CharField(primary_key=True, max_length=40)
    value = IntegerField()


# ---- attendance (db.attendance) ----------------------------------------------------------

class Holiday(BaseModel):
    """Days ``start`` … ``end`` (inclusive) of a school year on which the school does not teach."""

    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    start = DateField()
    end = DateField()
    name = CharField(max_length=200)

    class Meta:
        indexes = ((("year", "start"), False),)


class Absence(BaseModel):
    """A student's absence on one school day: the whole day (``session`` NULL) or one session
    (``sang`` / ``chieu``), excused (P) or not (K). Voided with a reason, never deleted."""

    student = ForeignKeyField(Student, on_delete="RESTRICT")
    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    klass = ForeignKeyField(SchoolClass, on_delete="RESTRICT")  # the class on that day
    date = DateField()
    session = CharField(null=True, max_length=5)
    excused = BooleanField(default=False)
    note = TextField(default="")
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)
    voided_at = DateTimeField(null=True)
    voided_by = CharField(null=True, max_length=100)
    void_reason = TextField(null=True)

    class Meta:
        indexes = ((("student", "date"), False), (("year", "date"), False),
                   (("klass", "date"), False))


class AttendanceTaken(BaseModel):
    """The class's attendance of ``date`` was taken ("nobody absent" differs from "not yet")."""

    klass = ForeignKeyField(SchoolClass, on_delete="RESTRICT")
    date = DateField()
    taken_by = CharField(max_length=100)
    taken_at = DateTimeField(default=datetime.now)

    class Meta:
        table_name = "attendance_taken"
        indexes = ((("klass", "date"), True), (("date", "klass"), False))


# ---- the incoming cohort (db.cohort) -------------------------------------------------------

class ExpectedChild(BaseModel):
    """A child expected in the first grade of a level (``grade``: 1, 6 or 10 — a combined
    school has two) in a school year (huy động ra lớp). A child on two lists (the feeder
    school's and the commune's) is one row with two :class:`ExpectedSource` rows. Matched to
    an admission by ``db.cohort_match.match_cohort``, which stores nothing: only the clerk's
    decisions (:class:`ExpectedDecision`) are stored."""

    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    grade = IntegerField()
    family = CharField(default="", max_length=60)
    middle = CharField(default="", max_length=100)
    given = CharField(max_length=60)
    female = BooleanField(default=False)
    dob = DateField()
    ethnic = CharField(default="01", max_length=2)
    disability = CharField(null=True, max_length=2)
    national_id = CharField(null=True, max_length=12, index=True)
    village = CharField(default="", max_length=100)  # = village_ref.name when set
    commune = CharField(default="", max_length=100)
    village_ref = ForeignKeyField(Village, null=True, on_delete="RESTRICT", column_name="village_id")
    sort_key = CharField(index=True, max_length=255)  # text.sort_key: the name and dob, normalised
    name_folded = CharField(max_length=255)
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)

    class Meta:
        table_name = "expected_child"
        indexes = ((("year", "grade"), False),)

    @property
    def full_name(self) -> str:
        return text.join_name(self.family, self.middle, self.given)


class ExpectedSource(BaseModel):
    """One list an expected child is on: a feeder school or the commune's list."""

    child = ForeignKeyField(ExpectedChild, backref="sources", on_delete="CASCADE")
    source = CharField(max_length=200)
    feeder = BooleanField(default=True)  # a feeder school's list (False: the commune's)

    class Meta:
        table_name = "expected_source"
        indexes = ((("child", "source"), True),)


class ExpectedDecision(BaseModel):
    """The clerk's decision on pairing an expected child with a student: confirmed
    (``accepted``) or rejected. At most one decision per pair."""

    child = ForeignKeyField(ExpectedChild, on_delete="CASCADE")
    student = ForeignKeyField(Student, on_delete="RESTRICT")
    accepted = BooleanField()
    decided_by = CharField(max_length=100)
    decided_at = DateTimeField(default=datetime.now)

    class Meta:
        table_name = "expected_decision"
        indexes = ((("child", "student"), True), (("student",), False))


# ---- reporting calendar (db.deadlines) -----------------------------------------------------

class Deadline(BaseModel):
    """When a form is due for a period of a school year: from ``start`` to ``end`` (inclusive).
    ``period``: ``YYYY-MM`` (a month), ``HK1``, ``HK2`` or ``CN`` (the whole year)."""

    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    form = CharField(max_length=20)  # si-so, chi-tieu, pcgd-nhap, pcgd-kiem-tra …
    period = CharField(max_length=7)
    start = DateField()
    end = DateField()

    class Meta:
        indexes = ((("year", "form", "period"), True), (("end",), False))


class Submission(BaseModel):
    """A form sent for a period: the exact file kept in ``content`` with its SHA-256.
    Sending the same form for the same period again keeps both; the later one ``replaces``
    the one before."""

    year = ForeignKeyField(SchoolYear, on_delete="RESTRICT")
    form = CharField(max_length=20)
    period = CharField(max_length=7)
    sent_on = DateField()
    recipient = CharField(max_length=200)
    filename = CharField(max_length=255)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    content = BlobField()
    replaces = ForeignKeyField("self", null=True, on_delete="RESTRICT", column_name="replaces_id")
    recorded_by = CharField(max_length=100)
    recorded_at = DateTimeField(default=datetime.now)

    class Meta:
        indexes = ((("year", "form", "period"), False),)


# ---- people and what each may do (db.users) ---------------------------------------------

class User(BaseModel):
    """A person who uses siso. Disabled (``active`` false), never deleted: their login stays
    on what they wrote. ``system_account``: the operating-system account that acts as them in
    a terminal. ``password_hash``: ``scrypt$n$r$p$salt$hash`` (hex), NULL until one is set;
    ``failed``/``locked_until``: wrong passwords in a row and the end of the lock they caused."""

    login = CharField(unique=True, max_length=40)
    ho_ten = CharField(max_length=100)
    system_account = CharField(null=True, unique=True, max_length=100)
    password_hash = CharField(null=True, max_length=300)
    failed = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=datetime.now)
    created_by = CharField(max_length=100)

    class Meta:
        table_name = "siso_user"  # "user" is a reserved word in PostgreSQL


class UserRole(BaseModel):
    """One role of a user: ``grades`` ("6,7") for a vice-principal, ``klass`` for a homeroom
    teacher (a class of one school year; a rollover adds the new year's class)."""

    user = ForeignKeyField(User, backref="role_rows", on_delete="RESTRICT")
    role = CharField(max_length=20)  # clerk | principal | vice-principal | homeroom
    grades = CharField(default="", max_length=40)
    klass = ForeignKeyField(SchoolClass, null=True, on_delete="RESTRICT")

    class Meta:
        table_name = "user_role"
        indexes = ((("user", "role"), False), (("klass",), False))


MODELS = [DatabaseFact, Setting, SchoolYear, SchoolClass, Batch, Village, Student, Event, Span,
          Target, Audit, RiskCase, Visit, Counter, Holiday, Absence, AttendanceTaken,
          ExpectedChild, ExpectedSource, ExpectedDecision, Deadline, Submission, User, UserRole]
