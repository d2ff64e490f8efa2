"""What a user can set, with its default, in one object built once at the edge and passed down.

The CLI builds it from its options (each option also reads its environment variable, named
below); library callers build their own or take the defaults. Nothing below the CLI reads
the environment.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """The settings of one command; the warehouse path is an argument of its own."""

    doc_timeout: float = 1800.0  # MINUTES_DOC_TIMEOUT: seconds one document may take (a scan of hundreds of pages)
    follow_links: bool = False  # MINUTES_FOLLOW_LINKS: read links that lead out of the folders being imported
    lock_wait: float = 30.0  # MINUTES_LOCK_WAIT: seconds to wait for a warehouse another process holds
    ocr_dpi: int = 300  # MINUTES_OCR_DPI: measured best on Swedish scans (200 dpi lost a decision in five)
    ocr_workers: int | None = None  # MINUTES_OCR_WORKERS: pages read at once (default: every core)
    ocr_max_megapixels: int = 40  # MINUTES_OCR_MAX_MEGAPIXELS: the largest page image OCR renders (A2 at 300 dpi)
    tesseract: str = "tesseract"  # MINUTES_TESSERACT: the Tesseract program
    libreoffice: str = "soffice"  # MINUTES_LIBREOFFICE: the LibreOffice program that reads .doc, .rtf and .odt
    convert_timeout: float = 300.0  # MINUTES_CONVERT_TIMEOUT: seconds LibreOffice may take over one conversion
    batch_documents: int = 250  # the most documents written in one transaction (`--batch-size`)
    scheduler_timeout: float = 30.0  # MINUTES_SCHEDULER_TIMEOUT: seconds to reach a Dask scheduler
    query_timeout: float = 30.0  # MINUTES_QUERY_TIMEOUT: seconds one `minutes sql` or web query may run (0: no limit)
    query_memory: str = "2GB"  # MINUTES_QUERY_MEMORY: DuckDB memory_limit of a read query
    query_temp: str = "4GB"  # MINUTES_QUERY_TEMP: the most a read query may spill to its private temp folder
    web_workers: int = 4  # MINUTES_WEB_WORKERS: requests reading the warehouse at once; the rest wait their turn
    trusted_hosts: tuple[str, ...] = ()  # MINUTES_TRUSTED_HOSTS: host names the site answers to besides its own
    watch_interval: float = 10.0  # MINUTES_WATCH_INTERVAL: seconds between two looks at a watched folder
    watch_settle: float = 2.0  # MINUTES_WATCH_SETTLE: seconds a new file's size must stay the same before import
    # The lake (docs/scaling.md): where a new lake keeps its data, and object storage for s3:// paths.
    lake_data: str | None = None  # MINUTES_LAKE_DATA: a shared folder or s3://bucket/prefix
    lake_latest: bool = False  # readers see every committed batch, not only finished imports
    doc_memory: int = 4096  # MINUTES_DOC_MEMORY: MB reading one file may add to the process reading it (0: none)
    s3_endpoint: str | None = None  # AWS_ENDPOINT_URL: an S3-compatible server (MinIO, Ceph, ...)
    s3_key_id: str | None = None  # AWS_ACCESS_KEY_ID
    s3_secret: str | None = None  # AWS_SECRET_ACCESS_KEY
    s3_region: str | None = None  # AWS_DEFAULT_REGION
    service_idle: float = 600.0  # MINUTES_SERVICE_IDLE: seconds the import service waits for work before it exits


#: A batch is also written after this many pages or seconds of work: each write closes the file so
#: readers get in, which costs a checkpoint (about 50 ms); readers are never kept out longer for bigger batches.
BATCH_PAGES, BATCH_SECONDS = 1000, 5.0
