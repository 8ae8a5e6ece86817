"""CLI commands: imports."""


def register(groups):
    pass
