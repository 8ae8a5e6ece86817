"""CLI commands: students."""


def register(groups):
    pass
