"""PostgreSQL databases are not copied by siso: ``siso backup`` and the settings screen
print the ``pg_dump`` (``siso restore``: ``pg_restore``) command to run instead."""

from __future__ import annotations

from . import clock


def pg_dump_command(target: str, *, restore_file: str | None = None) -> str:
    """The ``pg_dump`` (or ``pg_restore``) command for a postgresql:// URL, without its
    password (pg_dump asks for it, or reads PGPASSWORD / ~/.pgpass)."""
    import shlex
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(target)
        host, port, user = parts.hostname, parts.port, parts.username
    except ValueError:
        host = port = user = None
        parts = urlsplit("postgresql:///")
    name = unquote(parts.path.lstrip("/")) or "siso"
    args = []
    if host:
        args += ["--host", host]
    if port:
        args += ["--port", str(port)]
    if user:
        args += ["--username", unquote(user)]
    if restore_file:
        cmd = ["pg_restore", "--clean", "--if-exists", *args, "--dbname", name, restore_file]
    else:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        cmd = ["pg_dump", "--format=custom", f"--file={name}-{stamp}.dump", *args, name]
    return shlex.join(cmd)
