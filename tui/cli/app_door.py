"""Open the Textual app from the command line (the only CLI path that imports Textual)."""

from __future__ import annotations


def run_app(args) -> int:
    from tui.app import make_app

    app = make_app(db=getattr(args, "db", None), lang=getattr(args, "lang", None))
    app.run()
    if app.crashed:  # the app's last resort: one line, the traceback in the log
        import sys

        print(app.crashed, file=sys.stderr)
    return app.return_code or 0
