"""The one error type a workflow raises, and how the store's errors become it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mesodesk.exit_codes import EXIT_BLOCKED, EXIT_FAILURE, EXIT_INVALID


class ServiceError(Exception):
    """A workflow failed for a reason a person can act on.

    ``field`` names what was wrong (a JSON path such as ``patient.email``, an option,
    a file) where one thing was; ``issues`` lists every problem when there were several.
    ``cause`` is the store's error this one came from, if any.
    """

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, field: str | None = None,
                 issues: tuple[str, ...] = (), cause: BaseException | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.issues = tuple(issues)
        self.cause = cause

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        return self.message + ":\n" + "\n".join(f"  {issue}" for issue in self.issues)


class InvalidInput(ServiceError):
    """What was given is invalid: a field, a file, a document."""

    exit_code = EXIT_INVALID


class NotFound(InvalidInput):
    """No record with that id."""


class Blocked(ServiceError):
    """Screening (or a rule of the record) stops the workflow; ``issues`` names each cause."""

    exit_code = EXIT_BLOCKED


@contextmanager
def store_errors(prefix: str = "") -> Iterator[None]:
    """The store's errors, raised inside, as ``ServiceError`` with the same message and
    exit code (``NotFound`` stays ``NotFound``)."""
    from mesodesk.store import base

    try:
        yield
    except base.StoreError as error:
        kind: type[ServiceError]
        if isinstance(error, base.NotFound):
            kind = NotFound
        elif error.exit_code == EXIT_INVALID:
            kind = InvalidInput
        elif error.exit_code == EXIT_BLOCKED:
            kind = Blocked
        else:
            kind = ServiceError
        raise kind(f"{prefix}{error}", cause=error) from error
