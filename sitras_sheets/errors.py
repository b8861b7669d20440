"""One exception hierarchy for Sitras. Adapters translate library errors here."""

from __future__ import annotations


class SitrasError(Exception):
    """Base of every error Sitras raises on purpose. Its message is for people."""


class ConfigError(SitrasError):
    """The configuration (file, environment, credentials) is unusable."""


class InvalidTrackingCode(SitrasError, ValueError):
    """A text is not a valid tracking code; the message says why."""


class InvalidPhoneNumber(SitrasError, ValueError):
    """A phone number cannot be turned into a WhatsApp number; the message says why."""


class SheetLayoutError(SitrasError):
    """A tab lacks required headers, or has one twice."""


class RegisterError(SitrasError):
    """The register could not be read or written."""


class RegisterUnavailable(RegisterError):
    """A transient failure (network, 429, 5xx) that outlived the retries."""


class SpreadsheetNotFound(RegisterError):
    """The spreadsheet id does not exist or is not shared with the service account."""


class OutcomeUnknown(RegisterError):
    """A write was sent but its answer was lost: it may or may not have been applied."""


class LetterNotFound(SitrasError, LookupError):
    """No letter with this tracking code is in the register."""
