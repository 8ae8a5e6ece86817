"""The people who use siso, their roles, and who is acting in this process.

Roles (``docs/domain.md``, "People and what each may do"): the clerk (văn thư) and the principal
may change everything; a vice-principal reads the whole school and writes events, visits and
at-risk cases in their grades; a homeroom teacher sees and writes only their class. A user
may hold several roles; a user is disabled, never deleted (their login stays on what they
wrote).

Who is acting: in a terminal, the process's *effective* system account
(``pwd.getpwuid(os.geteuid())``, never ``LOGNAME``/``USER``, which anyone can set) maps to a
user; in the browser a password signs in. With no users defined siso behaves as one clerk,
as it did before users existed.

Every write service calls :func:`require` (or :func:`require_class` / :func:`require_student`
for the writes a homeroom teacher or a vice-principal may make within their own scope): the
rule lives here, in ``db/``, so the CLI and the TUI are refused alike.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from peewee import DatabaseError

from . import audit, clock, fields, scope as scope_mod
from .errors import SisoError
from .models import SchoolClass, SchoolYear, Span, User, UserRole, database

ROLES = ("clerk", "principal", "vice-principal", "homeroom")
ROLE_NAMES = {"clerk": "văn thư", "principal": "hiệu trưởng", "vice-principal": "phó hiệu trưởng",
              "homeroom": "giáo viên chủ nhiệm"}
ADMINS = ("clerk", "principal")  # may change everything, including users

MAX_TRIES = 5  # wrong passwords in a row before the account is locked
LOCK_MINUTES = 5
MIN_PASSWORD = 8
_SCRYPT = (2 ** 14, 8, 1)  # n, r, p: about 16 MB and a few tens of ms per check
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
WRONG_PASSWORD = "Tên đăng nhập hoặc mật khẩu không đúng."


# ---- the acting person ---------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    login: str
    ho_ten: str
    roles: frozenset[str]
    grades: frozenset[int] = field(default_factory=frozenset)
    class_ids: frozenset[int] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def home_grades(self) -> frozenset[int]:
        """The grades a vice-principal's overview opens on (empty: the whole school)."""
        return self.grades if self.has("vice-principal") else frozenset()

    @property
    def roles_label(self) -> str:
        return ", ".join(ROLE_NAMES[r] for r in ROLES if r in self.roles)

    def scope(self, year=None) -> scope_mod.Scope:
        """What this person may see: the clerk, the principal and a vice-principal read the
        whole school; a homeroom teacher (with no other role) only their classes — of
        ``year`` when given, else every class they were ever assigned."""
        if self.has("clerk", "principal", "vice-principal"):
            return scope_mod.WHOLE_SCHOOL
        ids = self.class_ids
        if year is not None and ids:
            year_id = getattr(year, "id", year)
            ids = frozenset(c.id for c in SchoolClass.select(SchoolClass.id)
                            .where(SchoolClass.id.in_(list(ids)), SchoolClass.year == year_id))
        names = ", ".join(c.name for c in SchoolClass.select(SchoolClass.name)
                          .where(SchoolClass.id.in_(list(ids or {0}))).order_by(SchoolClass.name))
        return scope_mod.Scope(class_ids=frozenset(ids), label=f"Lớp {names}" if names else "Không có lớp")


def system_account() -> str:
    """The account this process runs as: the effective user, never an environment variable."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # Windows; a uid with no passwd entry
        import getpass

        try:
            return getpass.getuser()
        except Exception:
            return "unknown"


def _effective_account() -> str:
    return system_account()  # add_user's parameter of the same name hides the function there


_actor: Actor | None = None


def _clerk_of_old(login: str) -> Actor:
    """The one clerk of a database with no users (siso as it was before users)."""
    return Actor(login=login, ho_ten=login, roles=frozenset({"clerk"}))


def current_actor() -> Actor:
    """The person this process acts for: the one a door set (:func:`set_current_actor`);
    else, with no users defined, a clerk named after the audit user (the system account or
    ``--user``); else the user the system account maps to. Refused when it maps to none."""
    if _actor is not None:
        return _actor
    if not any_users():
        return _clerk_of_old(audit.current_user())
    account = system_account()
    found = actor_for_account(account)
    if found is None:
        raise SisoError(unmapped_message(account))
    return found


def known_actor() -> Actor | None:
    """The actor a door set, without asking the database (None: none set — no users, or not
    yet known). For screens deciding what to show on every refresh."""
    return _actor


def set_current_actor(actor: Actor | None) -> None:
    """Set who acts in this process: their scope for every read and their login on every
    write (None: back to the default — no users, or the system account's user)."""
    global _actor
    _actor = actor
    scope_mod.set_current(actor.scope() if actor is not None else None)
    audit.set_user(actor.login if actor is not None else None)


def unmapped_message(account: str) -> str:
    return (f"Tài khoản máy «{account}» chưa được gán cho người dùng nào của siso. Nhờ văn thư "
            f"gán: «siso user add TÊN_ĐĂNG_NHẬP --name \"Họ tên\" --role … --system-account "
            f"{account}».")


def act_in_terminal(requested: str | None = None) -> Actor:
    """Who acts for a command or the app in a terminal: with no users, the clerk of old named
    ``requested`` (``--user``) or the system account; with users, the user the effective
    system account maps to, and ``--user`` may only name that same user."""
    try:
        users_exist = any_users()
    except DatabaseError:  # a damaged or unreadable file: it is read-only anyway
        users_exist = False
    if not users_exist:
        audit.set_user(requested)
        actor = _clerk_of_old(requested or audit.current_user())
        global _actor
        _actor = None  # resolved again on each call: the first user may be added meanwhile
        scope_mod.set_current(None)
        return actor
    account = system_account()
    actor = actor_for_account(account)
    if actor is None:
        raise SisoError(unmapped_message(account))
    if requested and requested != actor.login:
        raise SisoError(f"Không được ghi dưới tên người khác: tài khoản máy «{account}» là "
                        f"«{actor.login}», không phải «{requested}».", fields.NGUOI_DUNG)
    set_current_actor(actor)
    return actor


# ---- rules -------------------------------------------------------------------------------

def _names(roles) -> str:
    return ", ".join(ROLE_NAMES[r] for r in roles)


def _refuse(actor: Actor, what: str, allowed: str) -> SisoError:
    who = actor.roles_label or "không có vai trò"
    return SisoError(f"Vai trò {who} ({actor.login}) không được {what}: chỉ {allowed}.", fields.QUYEN)


def require(*roles: str, what: str) -> Actor:
    """The acting person, if they hold one of ``roles``; else a Vietnamese refusal naming
    their role and who may (``what``: the deed, e.g. «nhập danh sách»)."""
    actor = current_actor()
    if actor.has(*roles):
        return actor
    raise _refuse(actor, what, _names(roles))


def require_admin(what: str) -> Actor:
    return require(*ADMINS, what=what)


def require_class(classes, what: str, *, whole=ADMINS, vice: bool = True) -> Actor:
    """A write about ``classes`` (SchoolClass rows or ids): allowed to the ``whole`` roles,
    to the homeroom teacher of every one of them, and (``vice``) to the vice-principal of
    every one's grade."""
    actor = current_actor()
    if actor.has(*whole):
        return actor
    ids = {getattr(c, "id", c) for c in classes if c is not None}
    if ids and actor.has("homeroom") and ids <= actor.class_ids:
        return actor
    if ids and vice and actor.has("vice-principal"):
        grades = {c.grade for c in SchoolClass.select(SchoolClass.grade).where(SchoolClass.id.in_(list(ids)))}
        if grades <= actor.grades:
            return actor
    allowed = _names(whole) + ", giáo viên chủ nhiệm của lớp" + (", phó hiệu trưởng phụ trách khối"
                                                                   if vice else "")
    raise _refuse(actor, what, allowed)


def require_student(student, what: str, *, whole=ADMINS, vice: bool = True, klass=None) -> Actor:
    """A write about one student: allowed to the ``whole`` roles; to the homeroom teacher of
    a class the student was in (any span: a homeroom teacher keeps the students who left
    their class) — or, for a student with no class yet, of ``klass``; and (``vice``) to the
    vice-principal of the student's current grade and of ``klass``'s grade (the class the
    write puts them in)."""
    actor = current_actor()
    if actor.has(*whole):
        return actor
    sid = getattr(student, "id", student)
    klass_id = getattr(klass, "id", klass)
    spans = {c for (c,) in Span.select(Span.klass).where(Span.student == sid).tuples()}
    if actor.has("homeroom") and (spans or {klass_id}) & actor.class_ids:
        return actor
    if vice and actor.has("vice-principal"):
        grades = set()
        latest = (Span.select(SchoolClass.grade).join(SchoolClass).where(Span.student == sid)
                  .order_by(Span.start.desc(), Span.id.desc()).scalar())
        if latest is not None:
            grades.add(latest)
        if klass_id is not None:
            grades.add(SchoolClass.get_by_id(klass_id).grade)
        if grades and grades <= actor.grades:
            return actor
    allowed = _names(whole) + ", giáo viên chủ nhiệm của lớp học sinh" + (
        ", phó hiệu trưởng phụ trách khối" if vice else "")
    raise _refuse(actor, what, allowed)


# ---- the users ---------------------------------------------------------------------------

def any_users() -> bool:
    """Some user is defined (else siso behaves as one clerk, with no sign-in)."""
    try:
        return User.select().exists()
    except DatabaseError:
        return False


def has_password_user() -> bool:
    return User.select().where(User.active == True, User.password_hash.is_null(False)).exists()


def _actor_of(user: User) -> Actor:
    rows = list(UserRole.select().where(UserRole.user == user))
    grades = set()
    for r in rows:
        if r.role == "vice-principal" and r.grades:
            grades |= {int(g) for g in r.grades.split(",")}
    return Actor(login=user.login, ho_ten=user.ho_ten, roles=frozenset(r.role for r in rows),
                 grades=frozenset(grades),
                 class_ids=frozenset(r.klass_id for r in rows if r.role == "homeroom" and r.klass_id))


def actor_for_account(account: str) -> Actor | None:
    user = User.get_or_none((User.system_account == account) & (User.active == True))
    return _actor_of(user) if user is not None else None


def actor_of(login: str) -> Actor:
    return _actor_of(get_user(login))


def get_user(login: str) -> User:
    user = User.get_or_none(User.login == (login or "").strip().lower())
    if user is None:
        raise SisoError(f"Không có người dùng «{login}» (xem «siso user list»).", fields.TEN_DANG_NHAP)
    return user


def parse_grades(raw) -> frozenset[int]:
    from .school import check_grade

    parts = [p.strip() for p in str(raw or "").replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise SisoError("Phó hiệu trưởng cần khối phụ trách: --grades 6,7.", fields.KHOI_PHU_TRACH)
    return frozenset(check_grade(p) for p in parts)


def _find_class(raw: str, today=None) -> SchoolClass:
    """A class of the current school year, by name («6A1») or «NĂM/LỚP»; a class of another
    year is refused, naming both years."""
    from .school import current_year

    raw = (raw or "").strip()
    if not raw:
        raise SisoError("Giáo viên chủ nhiệm cần lớp chủ nhiệm: --class 6A1.", fields.LOP)
    year = current_year(today)
    if year is None:
        raise SisoError("Chưa có năm học nào: tạo năm học và lớp trước khi gán giáo viên chủ nhiệm.",
                        fields.LOP)
    year_name, _, name = raw.rpartition("/")
    name = name.strip()
    if year_name and year_name.replace(" ", "") != year.name:
        raise SisoError(f"Lớp «{raw}» thuộc năm học {year_name.strip()}, không phải năm học hiện tại "
                        f"{year.name}: chỉ gán giáo viên chủ nhiệm cho lớp của năm học hiện tại.", fields.LOP)
    found = SchoolClass.get_or_none((SchoolClass.year == year) & (SchoolClass.name == name))
    if found is not None:
        return found
    other = (SchoolClass.select(SchoolClass, SchoolYear).join(SchoolYear)
             .where(SchoolClass.name == name).order_by(SchoolYear.start.desc()).first())
    if other is not None:
        raise SisoError(f"Lớp {name} thuộc năm học {other.year.name}, không phải năm học hiện tại "
                        f"{year.name}: chỉ gán giáo viên chủ nhiệm cho lớp của năm học hiện tại.", fields.LOP)
    raise SisoError(f"Năm học {year.name} không có lớp «{name}».", fields.LOP)


def _role_rows(roles) -> list[tuple[str, str, int | None]]:
    """(role, grades "6,7", class id) for each requested role, checked."""
    if not roles:
        raise SisoError(f"Cần ít nhất một vai trò (--role): {', '.join(ROLES)}.", fields.VAI_TRO)
    out = []
    for role, extra in roles:
        role = (role or "").strip().lower()
        if role not in ROLES:
            raise SisoError(f"Vai trò «{role}» không có: chọn một trong {', '.join(ROLES)}.", fields.VAI_TRO)
        if any(r == role for r, _, _ in out):
            raise SisoError(f"Vai trò {ROLE_NAMES[role]} được nêu hai lần.", fields.VAI_TRO)
        if role == "vice-principal":
            out.append((role, ",".join(str(g) for g in sorted(parse_grades(extra))), None))
        elif role == "homeroom":
            out.append((role, "", _find_class(extra).id))
        else:
            out.append((role, "", None))
    return out


def add_user(login: str, ho_ten: str, roles: list[tuple[str, str | None]],
             system_account: str | None = None) -> Actor:
    """Add a user. ``roles``: (role, its grades "6,7" for a vice-principal, its class «6A1»
    for a homeroom teacher, else None). The first user must be a clerk or principal mapped
    to the account creating it (so nobody locks themselves out); after that only a clerk or
    the principal adds users."""
    first = not any_users()
    if not first:
        require_admin("thêm người dùng")
    login = (login or "").strip().lower()
    if not _LOGIN.match(login):
        raise SisoError(f"Tên đăng nhập «{login}» không hợp lệ: 2–40 ký tự a–z, 0–9, dấu chấm, "
                        "gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số.", fields.TEN_DANG_NHAP)
    ho_ten = " ".join((ho_ten or "").split())
    if not ho_ten:
        raise SisoError("Cần họ tên người dùng (--name \"Họ tên\").", fields.HO_TEN)
    if len(ho_ten) > 100:
        raise SisoError("Họ tên dài quá 100 ký tự.", fields.HO_TEN)
    rows = _role_rows(roles)
    account = (system_account or "").strip() or None
    if first:
        me = _effective_account()
        if not any(r in ADMINS for r, _, _ in rows):
            raise SisoError("Người dùng đầu tiên phải là văn thư (clerk) hoặc hiệu trưởng (principal), "
                            "để luôn có người quản lý được người dùng.", fields.VAI_TRO)
        account = account or me
        if account != me:
            raise SisoError(f"Người dùng đầu tiên phải gắn với chính tài khoản máy đang tạo nó («{me}»), "
                            f"không phải «{account}»: nếu không sẽ không ai quản lý được người dùng.",
                            fields.TAI_KHOAN_HE_THONG)
    if User.get_or_none(User.login == login) is not None:
        raise SisoError(f"Đã có người dùng «{login}».", fields.TEN_DANG_NHAP)
    if account:
        holder = User.get_or_none(User.system_account == account)
        if holder is not None:
            raise SisoError(f"Tài khoản máy «{account}» đã gắn với người dùng «{holder.login}» "
                            f"({holder.ho_ten}); mỗi tài khoản máy chỉ gắn với một người.",
                            fields.TAI_KHOAN_HE_THONG)
    after = {"ho_ten": ho_ten, "tai_khoan": account,
             "vai_tro": [r for r, _, _ in rows], "khoi": next((g for r, g, _ in rows if g), ""),
             "lop": next((SchoolClass.get_by_id(c).name for _, _, c in rows if c), None)}
    with audit.write("user.add", f"user:{login}", after=after):
        user = User.create(login=login, ho_ten=ho_ten, system_account=account,
                           created_at=clock.now(), created_by=audit.current_user())
        for role, grades, class_id in rows:
            UserRole.create(user=user, role=role, grades=grades, klass=class_id)
    return _actor_of(user)


def _hash(password: str, salt: bytes | None = None, params=_SCRYPT) -> str:
    salt = salt or secrets.token_bytes(16)
    n, r, p = params
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                            dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def _matches(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = _hash(password, bytes.fromhex(salt), (int(n), int(r), int(p)))
    except ValueError:
        return False
    return hmac.compare_digest(again, stored)


def set_password(login: str, password: str) -> None:
    """Set a user's password (salted scrypt). A clerk or the principal sets anyone's; every
    user sets their own. Clears a lock."""
    user = get_user(login)
    actor = current_actor()
    if actor.login != user.login:
        require_admin("đặt mật khẩu cho người khác")
    if len(password or "") < MIN_PASSWORD:
        raise SisoError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", fields.MAT_KHAU)
    if password != password.strip():
        raise SisoError("Mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng.", fields.MAT_KHAU)
    stored = _hash(password)
    with audit.write("user.passwd", f"user:{user.login}"):  # never the password, nor its hash
        User.update(password_hash=stored, failed=0, locked_until=None).where(User.id == user.id).execute()


def disable(login: str) -> None:
    """Disable a user (never deleted: their login stays on what they wrote). The last active
    clerk or principal cannot be disabled."""
    require_admin("khóa người dùng")
    user = get_user(login)
    if not user.active:
        raise SisoError(f"Người dùng «{user.login}» đã bị khóa rồi.", fields.TEN_DANG_NHAP)
    admin_roles = (UserRole.select(UserRole.user).join(User)
                   .where(UserRole.role.in_(ADMINS), User.active == True))
    admins = {uid for (uid,) in admin_roles.tuples()}
    if user.id in admins and admins == {user.id}:
        raise SisoError(f"Không khóa được «{user.login}»: đây là văn thư/hiệu trưởng cuối cùng còn hoạt "
                        "động; thêm một văn thư hoặc hiệu trưởng khác trước.", fields.TEN_DANG_NHAP)
    with audit.write("user.disable", f"user:{user.login}", before=True, after=False):
        User.update(active=False).where(User.id == user.id).execute()


def authenticate(login: str, password: str, now: datetime | None = None) -> Actor:
    """Sign in with a password. An unknown login, a disabled user, a user with no password
    and a wrong password get the same message; 5 wrong tries in a row lock the account for
    5 minutes (a message of its own)."""
    now = now or clock.now()
    user = User.get_or_none(User.login == (login or "").strip().lower())
    if user is None or not user.active or not user.password_hash:
        _matches(password or "", _DUMMY)  # the same time whether or not the user exists
        raise SisoError(WRONG_PASSWORD, fields.MAT_KHAU)
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
        raise SisoError(f"Tài khoản tạm khóa vì nhập sai mật khẩu {MAX_TRIES} lần: thử lại sau "
                        f"{minutes} phút.", fields.MAT_KHAU)
    if not _matches(password or "", user.password_hash):
        failed = user.failed + 1
        locked = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_TRIES else None
        _note_try(user, 0 if locked else failed, locked)
        raise SisoError(WRONG_PASSWORD, fields.MAT_KHAU)
    if user.failed or user.locked_until:
        _note_try(user, 0, None)
    return _actor_of(user)


def _note_try(user: User, failed: int, locked: datetime | None) -> None:
    """Count a wrong try (not an audited write: it changes no school data)."""
    try:
        with database.obj.atomic():
            User.update(failed=failed, locked_until=locked).where(User.id == user.id).execute()
    except DatabaseError:  # a read-only database: the tries are not counted there
        pass


# A stored value of the right shape for an unknown login: checking a password against it costs
# one scrypt, as for a real user. Written out rather than hashed at import, which would cost a
# scrypt (tens of ms, 16 MB) on every start of the program.
_DUMMY = "scrypt${}${}${}${}${}".format(*_SCRYPT, (b"0" * 16).hex(), "00" * 32)


def list_users() -> list[dict]:
    """Every user (active or not), for ``siso user list`` and the settings: keys ten_dang_nhap,
    ho_ten, vai_tro, khoi, lop, tai_khoan, hoat_dong."""
    out = []
    classes = {c.id: c for c in SchoolClass.select(SchoolClass, SchoolYear).join(SchoolYear)}
    roles_of: dict[int, list] = {}
    for r in UserRole.select().order_by(UserRole.id):  # every role at once, not a query per user
        roles_of.setdefault(r.user_id, []).append(r)
    for user in User.select().order_by(User.login):
        rows = roles_of.get(user.id, [])
        roles = [r for r in ROLES if any(x.role == r for x in rows)]
        grades = sorted({int(g) for x in rows if x.role == "vice-principal" and x.grades
                         for g in x.grades.split(",")})
        lops = [classes[x.klass_id] for x in rows if x.role == "homeroom" and x.klass_id in classes]
        lops.sort(key=lambda c: (c.year.start, c.name))
        out.append({fields.TEN_DANG_NHAP: user.login, "ho_ten": user.ho_ten, "vai_tro": roles, "khoi": grades,
                    "lop": lops[-1].name if lops else "", "tai_khoan": user.system_account or "",
                    "hoat_dong": bool(user.active)})
    return out


def carry_homerooms(source_year, pairs: dict[int, int]) -> tuple[list[int], list[str]]:
    """After a rollover: each homeroom teacher of a class of ``source_year`` becomes the
    homeroom teacher of the new class it maps to (``pairs``: old class id → new class id),
    inside the caller's write. Returns (the new role rows' ids, «login (lớp)» for each
    teacher whose class maps to none — a graduating class: the clerk assigns them)."""
    left, made = [], []
    rows = (UserRole.select(UserRole, SchoolClass, User).join(SchoolClass)
            .switch(UserRole).join(User)
            .where(UserRole.role == "homeroom", SchoolClass.year == source_year))
    for row in rows:
        new = pairs.get(row.klass_id)
        if new is None:
            left.append(f"{row.user.login} ({row.klass.name})")
            continue
        if not UserRole.select().where(UserRole.user == row.user_id, UserRole.role == "homeroom",
                                       UserRole.klass == new).exists():
            made.append(UserRole.create(user=row.user_id, role="homeroom", klass=new).id)
    return made, left


def assign_homeroom(login: str, klass_name: str) -> Actor:
    """Make ``login`` the homeroom teacher of a class of the current year (after a rollover
    left them without one, or a change of class)."""
    require_admin("gán lớp chủ nhiệm")
    user = get_user(login)
    klass = _find_class(klass_name)
    if UserRole.select().where(UserRole.user == user, UserRole.role == "homeroom",
                               UserRole.klass == klass).exists():
        raise SisoError(f"«{user.login}» đã là giáo viên chủ nhiệm lớp {klass.name}.", fields.LOP)
    with audit.write("user.homeroom", f"user:{user.login}", after={"lop": klass.name}):
        UserRole.create(user=user, role="homeroom", klass=klass)
    return _actor_of(user)


def require_void(recorded_by: str, student, what: str, *, whole=ADMINS, vice: bool = True) -> Actor:
    """Voiding a record: the clerk and the principal void anyone's; the others only what
    they recorded themselves, within their scope (:func:`require_student`)."""
    actor = current_actor()
    if actor.has(*whole):
        return actor
    require_student(student, what, whole=whole, vice=vice)
    if (recorded_by or "") != actor.login:
        raise _refuse(actor, f"{what} do người khác ({recorded_by}) ghi", "văn thư, hiệu trưởng")
    return actor
