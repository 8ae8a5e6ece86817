"""Schema migration: villages as records.

Creates the ``village`` table and ``student.village_id``. Each distinct (commune, village)
pair of the students' free-text values becomes one village, its name and commune kept
exactly as typed (spellings that differ only in accents, case or spaces stay separate
villages: the user merges them with ``siso village merge``), and each student points to
its own. The free-text columns stay: they hold the village's name and commune.
"""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, Model, TextField
from playhouse.migrate import SchemaMigrator, migrate as run


def migrate(db) -> None:
    class Village(Model):  # the table as this migration creates it (frozen here)
        name = CharField(max_length=100)
        commune = CharField(default="", max_length=100)
        head = CharField(default="", max_length=100)
        head_phone = CharField(default="", max_length=20)
        staff = TextField(default="")

        class Meta:
            database = db
            table_name = "village"
            indexes = ((("name", "commune"), True),)

    db.create_tables([Village])
    migrator = SchemaMigrator.from_database(db)
    run(migrator.add_column("student", "village_id",
                            ForeignKeyField(Village, null=True, field=Village.id, on_delete="RESTRICT")))
    pairs = db.execute_sql("SELECT DISTINCT name_c, name_v FROM (SELECT COALESCE(commune, '') AS name_c, "
                           "village AS name_v FROM student WHERE village IS NOT NULL AND village <> '') t "
                           "ORDER BY name_c, name_v").fetchall()
    for commune, name in pairs:
        Village.insert(name=name, commune=commune).execute()
    db.execute_sql("UPDATE student SET village_id = (SELECT v.id FROM village v WHERE v.name = student.village "
                   "AND v.commune = COALESCE(student.commune, '')) "
                   "WHERE village IS NOT NULL AND village <> ''")
