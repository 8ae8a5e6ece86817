"""CLI commands: school."""


def register(groups):
    pass
