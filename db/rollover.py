"""The rollover into the next school year, written and undone.

The rollover is one transaction and one ``Batch`` (kind "rollover") that writes what
``db.rollover_plan.rollover_preview`` planned: next year's classes, the enrolments, the
outcomes it gives students with none, the homeroom teachers carried to the new classes.
Undo removes exactly what the batch wrote, as long as nothing was recorded in the new year
after it.
"""

from __future__ import annotations

import json
from datetime import datetime

from peewee import fn

from . import audit, fields, kinds, text
from .errors import SisoError
from .models import Batch, Deadline, Event, SchoolClass, SchoolYear, Span, Submission, Target
from .movements import year_arg, describe
from .rollover_plan import rollover_preview


def rollover(source, target_name: str | None = None, *, before_end: bool = False,
             **options) -> Batch:
    """Write the rollover planned by ``rollover_preview`` (same arguments): one transaction,
    one Batch. Raises SisoError listing the problems when the plan has any, and when the
    old year has not ended yet unless ``before_end`` confirms it.

    The enrolments it writes are dated the new year's first day, usually ahead of today:
    they go straight to the database (not through ``db.events.record_event`` or the
    movement register's checks), so no "date in the future" rule applies to them."""
    from . import users

    users.require_admin("chuyển năm học")
    plan = rollover_preview(source, target_name, **options)
    if not plan.ok:
        raise SisoError(" ".join(plan.problems), fields.CHUYEN_NAM)
    if plan.before_end and not before_end:
        raise SisoError(f"Chưa chuyển năm: {plan.early_warning} Chỉ chuyển năm trước ngày kết thúc "
                        "khi đã xác nhận.", fields.CHUYEN_NAM)
    from .school import add_class, add_year

    last_event = Event.select(fn.MAX(Event.id)).scalar() or 0
    with audit.write("year.rollover", f"year:{plan.target_name}", source=plan.source.name,
                     promoted=plan.promoted, held_back=plan.held_back,
                     completers=plan.completers) as info:
        created_year = plan.target is None
        target = plan.target or add_year(plan.target_name, plan.start, plan.end, ref=plan.ref,
                                         hk2=plan.hk2)
        batch = Batch.create(kind="rollover", year=target, created_by=audit.current_user(),
                             description="")
        by_name = {c.name: c for c in SchoolClass.select().where(SchoolClass.year == target.id)}
        created = []
        for nc in sorted(plan.classes.values(), key=lambda c: (c.grade, text.natural_key(c.name))):
            if nc.name not in by_name:
                c = add_class(nc.name, nc.grade, target)
                by_name[c.name] = c
                created.append(c.id)
        now = datetime.now()
        user = audit.current_user()
        rows = [dict(student=sid, year=target.id, kind=kinds.ENROLL, date=target.start,
                     klass=by_name[name].id, semester="HK1", batch=batch.id, recorded_by=user,
                     recorded_at=now) for sid, name in plan.placements]
        from .events import semester_of

        # the outcome given to a student with none is dated the year's end, or the day the
        # student entered the class when that was later (in the summer), so that the history
        # stays valid: an outcome names the class the student is in on its day
        src = plan.source
        entered = dict(Span.select(Span.student, Span.start)
                       .where((Span.year == src.id) & Span.end.is_null()).tuples())
        for sid, kid, kind in plan.defaulted:
            day = max(src.end, entered.get(sid, src.end))
            rows.append(dict(student=sid, year=src.id, kind=kind, date=day, klass=kid,
                             semester=semester_of(src, day), batch=batch.id, recorded_by=user,
                             recorded_at=now))
        for i in range(0, len(rows), 200):
            Event.insert_many(rows[i:i + 200]).execute()
        spans = [dict(student=e.student_id, year=target.id, klass=e.klass_id, start=e.date, end=None,
                      start_event=e.id, end_event=None)
                 for e in Event.select(Event.id, Event.student, Event.klass, Event.date)
                 .where((Event.batch == batch.id) & (Event.kind == kinds.ENROLL))]
        for i in range(0, len(spans), 200):
            Span.insert_many(spans[i:i + 200]).execute()
        from .users import carry_homerooms

        olds = dict(SchoolClass.select(SchoolClass.name, SchoolClass.id)
                    .where(SchoolClass.year == src.id).tuples())
        pairs = {olds[o]: by_name[n].id for o, n in plan.mapping.items() if o in olds and n in by_name}
        roles, left = carry_homerooms(src, pairs)
        batch.description = json.dumps({"source": plan.source.name, "created_year": created_year,
                                        "classes": created, "last_event_id": last_event,
                                        "homerooms": roles, "homerooms_left": left},
                                       ensure_ascii=False)
        batch.save()
        info.update(batch=batch.id, classes=len(created), students=len(plan.placements),
                    outcomes=len(plan.defaulted), homerooms=len(roles), homerooms_left=left)
    return batch


def homeroom_notes(batch: Batch) -> list[str]:
    """What a rollover did with the homeroom teachers (users): carried to the new classes,
    and those left without a class for the clerk to assign (``siso user homeroom``)."""
    meta = json.loads(batch.description or "{}")
    out = []
    if meta.get("homerooms"):
        out.append(f"Giáo viên chủ nhiệm được chuyển theo lớp sang năm mới: {len(meta['homerooms'])}.")
    if meta.get("homerooms_left"):
        out.append("Chưa có lớp chủ nhiệm năm mới (lớp cũ không chuyển tiếp), văn thư gán bằng "
                   "«siso user homeroom TÊN_ĐĂNG_NHẬP --class LỚP»: " + ", ".join(meta["homerooms_left"]) + ".")
    return out


def _rollover_batch(target) -> Batch:
    if isinstance(target, str):
        from .school import get_year

        target = get_year(target)
    y = year_arg(target)
    b = (Batch.select().where((Batch.kind == "rollover") & (Batch.year == y.id)
                              & Batch.undone_at.is_null()).order_by(Batch.id.desc()).first())
    if b is None:
        raise SisoError(f"Năm học {y.name} không có đợt chuyển năm nào để hoàn tác.", fields.NAM_HOC)
    return b


def undo_rollover(target) -> Batch:
    """Remove everything the year's rollover wrote (one transaction), if nothing was recorded in
    the new year after it."""
    from . import users

    users.require_admin("hoàn tác chuyển năm học")
    batch = _rollover_batch(target)
    y = batch.year
    meta = json.loads(batch.description or "{}")
    last = meta.get("last_event_id", 0)
    after = (Event.year == y.id) & (Event.id > last) & ((Event.batch != batch.id) | Event.batch.is_null())
    later = (Event.select().where(after & Event.voided_at.is_null())
             .order_by(Event.date, Event.id))
    n = later.count()
    if n:
        first = later.first()
        raise SisoError(f"Không hoàn tác được chuyển năm: đã có {n} sự kiện ghi vào năm học {y.name} "
                        f"sau đó (ví dụ {describe(first)} của học sinh {first.student.code}). "
                        "Hủy các sự kiện đó trước.", fields.NAM_HOC)
    voided = Event.select().where((Event.batch == batch.id) & Event.voided_at.is_null(False)).first()
    if voided is not None:
        raise SisoError(f"Không hoàn tác được chuyển năm: sự kiện {describe(voided)} của đợt này đã "
                        "bị hủy riêng sau đó.", fields.NAM_HOC)
    nxt = SchoolYear.select().where(SchoolYear.start > y.start).order_by(SchoolYear.start).first()
    if nxt is not None and Batch.select().where((Batch.kind == "rollover") & (Batch.year == nxt.id)
                                                & Batch.undone_at.is_null()).exists():
        raise SisoError(f"Không hoàn tác được: năm học {nxt.name} đã được chuyển năm từ năm học "
                        f"{y.name}; hoàn tác đợt đó trước.", fields.NAM_HOC)
    with audit.write("year.undo_rollover", f"year:{y.name}", batch=batch.id) as info:
        ev_ids = Event.select(Event.id).where(Event.batch == batch.id)
        Span.delete().where(Span.start_event.in_(ev_ids) | Span.end_event.in_(ev_ids)).execute()
        removed = Event.delete().where(Event.batch == batch.id).execute()
        # events recorded in the new year and voided since count nowhere; they go with the year
        Event.delete().where(after & Event.voided_at.is_null(False)).execute()
        from .models import UserRole

        if meta.get("homerooms"):  # the homeroom assignments the rollover carried
            UserRole.delete().where(UserRole.id.in_(meta["homerooms"])).execute()
        classes = meta.get("classes", [])
        if classes:
            SchoolClass.delete().where(SchoolClass.id.in_(classes)).execute()
        year_removed = False
        if meta.get("created_year"):
            still = (SchoolClass.select().where(SchoolClass.year == y.id).exists()
                     or Event.select().where(Event.year == y.id).exists()
                     or Target.select().where(Target.year == y.id).exists()
                     or Submission.select().where(Submission.year == y.id).exists())
            if not still:
                Batch.update(year=None).where(Batch.year == y.id).execute()
                Deadline.delete().where(Deadline.year == y.id).execute()  # the year's calendar
                SchoolYear.delete().where(SchoolYear.id == y.id).execute()
                year_removed = True
        Batch.update(undone_at=datetime.now(), undone_by=audit.current_user()).where(
            Batch.id == batch.id).execute()
        info.update(events=removed, classes=len(classes), year_removed=year_removed)
    return Batch.get_by_id(batch.id)
