"""Open the Textual app from the command line (the only CLI path that imports Textual)."""

from __future__ import annotations


def run_app(args) -> int:
    import gc

    # Start-up makes some 40,000 objects that live as long as the program (Textual's and
    # siso's modules and classes, the models): the cyclic collector would walk them again and
    # again before the first screen (about 40 ms of CPU in all). It is off while they are
    # made; they are then set aside for good (gc.freeze), and the app turns the collector
    # back on once its first screen is usable (SisoApp.on_virtual_list_highlighted; 1 s
    # after start at the latest).
    gc.disable()
    from db.audit import set_user
    from tui.app import make_app

    from db.users import act_in_terminal

    set_user(getattr(args, "user", None))  # --user names who writes, in the app as in commands
    app = make_app(db=getattr(args, "db", None), lang=getattr(args, "lang", None))
    act_in_terminal(getattr(args, "user", None))  # the effective system account's user
    gc.freeze()
    app.run()
    if app.crashed:  # the app's last resort: one line, the traceback in the log
        import sys

        print(app.crashed, file=sys.stderr)
    return app.return_code or 0
