"""CLI commands: reports."""


def register(groups):
    pass
