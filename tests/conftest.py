import pytest

from db.connection import close_database, open_database


@pytest.fixture(autouse=True)
def vietnamese():
    """A test that switches the interface to English leaves it in Vietnamese for the next."""
    yield
    from tui import i18n

    i18n.set_language("vi")


@pytest.fixture(autouse=True)
def fast_sync(request, monkeypatch):
    """In-process tests write with ``synchronous=OFF`` (about 40% faster for the slowest):
    they are not about power cuts. A test about durability is marked ``durable`` and keeps
    the program's ``FULL``; the fault tests run the program in processes of their own."""
    if request.node.get_closest_marker("durable") is None:
        from db import connection

        monkeypatch.setitem(connection.SQLITE_PRAGMAS, "synchronous", "off")
    yield


@pytest.fixture(autouse=True)
def calendar_today():
    """A test that fixes "today" (``db.clock.set_today``, or an app built with ``today=``)
    leaves the calendar's day to the next test."""
    yield
    from db import clock

    clock.set_today(None)


@pytest.fixture(autouse=True)
def system_user():
    """A test that names the acting user (``--user``, ``audit.set_user``) leaves the system
    account to the next test."""
    yield
    from db import audit, users

    users.set_current_actor(None)
    audit.set_user(None)


@pytest.fixture(autouse=True)
def reader_scope():
    """A test that narrows the reader's scope (``db.scope.set_current``) leaves the whole
    school to the next test."""
    yield
    from db import scope

    scope.set_current(None)


@pytest.fixture
def db(tmp_path):
    """A fresh file database (not :memory:, so worker threads share it)."""
    path = tmp_path / "test.sqlite3"
    database = open_database(str(path))
    yield database
    close_database()


@pytest.fixture
def cli(tmp_path, capsys):
    """``cli("student", "list")`` runs ``siso --db <a fresh file> --user thu.ky …`` in-process
    and returns (exit code, standard output, standard error); ``cli.path`` is the file."""
    from cli import main

    path = str(tmp_path / "cli.sqlite3")

    def run(*argv):
        rc = main(["--db", path, "--user", "thu.ky", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    run.path = path
    yield run
    close_database()


@pytest.fixture
def year(db):
    from db.school import add_year

    return add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")


def demo_file(folder, students: int, today, seed: int = 1) -> str:
    """A demo school of ``students`` built as on ``today`` in ``folder``/demo.sqlite3 (for a
    module's tests to open in the app); its path."""
    from db import clock
    from db.connection import close_database, open_database
    from db.demo import build_demo

    path = folder / "demo.sqlite3"
    with clock.fixed(today):
        open_database(str(path))
        build_demo(students=students, seed=seed, today=today)
        close_database()
    return str(path)
