"""Open the Textual app from the command line (the only CLI path that imports Textual)."""

from __future__ import annotations


def run_app(args) -> int:
    from db.audit import set_user
    from tui.app import make_app

    from db.users import act_in_terminal

    set_user(getattr(args, "user", None))  # --user names who writes, in the app as in commands
    app = make_app(db=getattr(args, "db", None), lang=getattr(args, "lang", None))
    act_in_terminal(getattr(args, "user", None))  # the effective system account's user
    app.run()
    if app.crashed:  # the app's last resort: one line, the traceback in the log
        import sys

        print(app.crashed, file=sys.stderr)
    return app.return_code or 0
