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
