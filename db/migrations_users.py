"""Schema migration: the people who use siso and their roles (``siso_user``, ``user_role``)."""

from __future__ import annotations

from datetime import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def migrate(db) -> None:
    class SchoolClass(Model):  # only its key, to point at
        class Meta:
            database = db
            table_name = "school_class"

    class User(Model):  # the tables as this migration creates them (frozen here)
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
            database = db
            table_name = "siso_user"

    class UserRole(Model):
        user = ForeignKeyField(User, on_delete="RESTRICT")
        role = CharField(max_length=20)
        grades = CharField(default="", max_length=40)
        klass = ForeignKeyField(SchoolClass, null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "user_role"
            indexes = ((("user", "role"), False), (("klass",), False))

    db.create_tables([User, UserRole], safe=True)
