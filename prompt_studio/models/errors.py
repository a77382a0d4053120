"""Failures every back end reports the same way, so the UI can speak plainly without knowing where they came from.

The HTTP client raises these from status codes; the embedded library raises the same classes, and the server maps
them back to status codes. Each carries the server's `error` code and `message`.
"""

from __future__ import annotations


class PromptStudioError(Exception):
    """Base of every failure the user may be told about."""

    status: int | None = None
    default_error = "error"
    plain_words = "Something went wrong."

    def __init__(self, message: str | None = None, *, error: str | None = None, status: int | None = None):
        self.error = error or self.default_error
        self.message = message or ""
        if status is not None:
            self.status = status
        super().__init__(self.message or self.error)

    @property
    def user_message(self) -> str:
        """One sentence for a dialog: what happened, in plain words, with the server's own words if any."""
        detail = self.message or (self.error if self.error != self.default_error else "")
        return f"{self.plain_words} ({detail})" if detail else self.plain_words


class AuthenticationError(PromptStudioError):
    status = 401
    default_error = "Unauthorized"
    plain_words = "The server did not accept the API key."


class PermissionDeniedError(PromptStudioError):
    status = 403
    default_error = "Forbidden"
    plain_words = "This API key is not allowed to do that."


class NotFoundError(PromptStudioError):
    status = 404
    default_error = "Prompt not found"
    plain_words = "The server does not have that prompt or version."


class ConflictError(PromptStudioError):
    status = 409
    default_error = "Conflict"
    plain_words = "That clashes with something already on the server."


class ValidationFailedError(PromptStudioError):
    status = 422
    default_error = "validation_error"
    plain_words = "The server did not accept the data."


class RateLimitError(PromptStudioError):
    status = 429
    default_error = "Too many requests"
    plain_words = "The server is busy; try again in a moment."


class ServerError(PromptStudioError):
    status = 500
    default_error = "Internal server error"
    plain_words = "The server had a problem."


class ConnectionFailed(PromptStudioError):
    default_error = "connection_failed"
    plain_words = "Could not reach the server."


class CertificateRefused(ConnectionFailed):
    """The server's TLS certificate failed verification; retrying cannot help, and nothing was sent."""

    default_error = "certificate_refused"
    plain_words = "The server's certificate was not accepted, so nothing was sent."

    @property
    def user_message(self) -> str:
        return f"{self.plain_words} Why: {self.message}" if self.message else self.plain_words


class ServerNameNotFound(ConnectionFailed):
    """The server's name did not resolve: a typo in the address, or no network (or no VPN) to resolve it on."""

    default_error = "name_not_found"
    plain_words = "The server's name was not found: check the address, or the network (a VPN?)."


class TimedOut(PromptStudioError):
    default_error = "timeout"
    plain_words = "The server did not answer in time."


class MalformedResponse(PromptStudioError):
    default_error = "malformed_response"
    plain_words = "The server sent an answer this app cannot read."



class SaysWhy(PromptStudioError):
    """A failure whose message is a whole sentence of its own (where, and what to do), said after the plain words."""

    @property
    def user_message(self) -> str:
        return f"{self.plain_words} {self.message}" if self.message else self.plain_words


class FolderFormatError(SaysWhy):
    """A LangWatch CLI project file the app cannot read as the CLI would; the message names the file and line."""

    default_error = "folder_format"
    plain_words = "A file of this prompt folder cannot be read."


class ReadOnlyHere(SaysWhy):
    """What a back end keeps but this app may not change there (a CLI folder's remote prompt); says where to."""

    status = 403
    default_error = "read_only_here"
    plain_words = "This cannot be changed here."


class NotHeldByFile(SaysWhy, ValidationFailedError):
    """A save of a CLI folder prompt with content its file cannot hold; nothing was written."""

    default_error = "not_held_by_file"
    plain_words = "The prompt file cannot hold this, so nothing was saved."
