"""The one error type users see: a Vietnamese sentence naming the field and what is expected."""


class SisoError(Exception):
    """A refused action. ``str(err)`` is a complete Vietnamese message for the user.

    ``field`` names the input at fault (for forms that put the message beside it).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def collect(*checks) -> list[tuple[str | None, str]]:
    """Run every check (a callable that raises SisoError when it refuses) and return the
    ``(field, message)`` of each refusal, in order: a form reports all its problems at once
    instead of one per save."""
    errors: list[tuple[str | None, str]] = []
    for check in checks:
        try:
            check()
        except SisoError as err:
            errors.append((err.field, err.message))
    return errors
