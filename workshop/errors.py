class DomainError(Exception):
    """Something the person can fix; the message is shown to them as it is.

    ``field`` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class Forbidden(DomainError):
    """The actor may not do this; views answer 403."""
