"""Errors an extractor raises for a file it cannot read.

The message is shown to the user as is, so it is one sentence that says what is wrong
with the file and what to do about it.
"""


class ExtractionError(Exception):
    """A file could not be read; `str(err)` is the sentence shown to the user.

    `lasting`: the same bytes would fail the same way again (damaged, too large), so an
    unchanged file is not tried again on the next import.
    """

    lasting = True


class MissingToolError(ExtractionError):
    """A file needs something this machine does not offer now (Tesseract, or OCR switched off); worth retrying."""

    lasting = False
