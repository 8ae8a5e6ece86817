"""The Textual app (``tui.app``), its screens and widgets: one of siso's two doors; the other,
the command line, is the top-level ``cli`` package, which opens this app (``cli.app_door``).

Importing this package imports nothing heavy.
"""
