"""Errors an extractor raises for a file it cannot read.

The message is shown to the user as is, so it is one sentence that says what is wrong
with the file and what to do about it.
"""


class ExtractionError(Exception):
    """A file could not be read; `str(err)` is the sentence shown to the user."""


class MissingToolError(ExtractionError):
    """A file needs an external program (such as Tesseract) that is not installed."""
