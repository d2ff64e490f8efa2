"""The import's defaults, in a module of their own so the CLI can show them without loading the importer."""
from __future__ import annotations

import os

#: Seconds one document may take by default (a scan of hundreds of pages needs many minutes).
DEFAULT_TIMEOUT = float(os.environ.get("MINUTES_DOC_TIMEOUT", "1800"))

#: A batch of finished documents is written when it holds this many documents or pages, or is this old.
#: Each write also closes the file so readers get in, which costs a checkpoint (about 50 ms): batches
#: of 50 documents spent a tenth of a .docx import on it. Readers are never kept out longer for
#: bigger batches; the file is free between writes.
BATCH_DOCUMENTS, BATCH_PAGES, BATCH_SECONDS = 250, 1000, 5.0
