"""Domain errors raised by service functions; views turn them into messages."""


class DomainError(Exception):
    """A rule of the platform refused the action. The message is safe to show the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DeadlinePassed(DomainError):
    """The certification deadline that applies to the learner has passed: no more submitting or claiming."""
