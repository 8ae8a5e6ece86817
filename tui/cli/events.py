"""CLI commands: events."""


def register(groups):
    pass
