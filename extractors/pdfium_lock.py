"""One lock for pdfium in a process.

pdfium is not thread-safe: two threads reading PDFs at once crash the process (a Dask
worker with several threads does exactly that). Every use of pypdfium2 in minutes holds
this lock; processes, the local engine's way to run in parallel, are not slowed by it.
"""
from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
