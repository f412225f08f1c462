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
    """The actor may not do this; pages answer 403 with the message."""


class NotFound(LookupError):
    """What the address names does not exist, or is not this person's to see: pages answer 404
    and tell nothing more."""


class MissingFile(DomainError):
    """A file the database refers to is gone from the upload directory (deleted there, or this
    server does not see the shared directory). The message tells the organisers what to upload
    again; everybody else gets ``public_message`` on an error page with ``status``."""

    def __init__(self, message: str, public_message: str, status: int = 503):
        super().__init__(message)
        self.public_message = public_message
        self.status = status
