"""CLI commands: demo."""


def register(groups):
    pass
