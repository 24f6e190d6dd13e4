"""The transfer hub's services: every change to a transfer goes through here."""

from pontio.transfers.services.collect import (
    delete_transfer,
    download_as_zip,
    download_transfer,
    forward_transfer,
    reject_transfer,
)
from pontio.transfers.services.retention import apply_retention, destroy_file
from pontio.transfers.services.upload import (
    CODE_STATUS,
    SizeLimitedUploadHandler,
    UploadRefusedError,
    max_upload_bytes,
    record_refused_upload,
    upload_file,
)

__all__ = [
    "CODE_STATUS",
    "SizeLimitedUploadHandler",
    "UploadRefusedError",
    "apply_retention",
    "delete_transfer",
    "destroy_file",
    "download_as_zip",
    "download_transfer",
    "forward_transfer",
    "max_upload_bytes",
    "record_refused_upload",
    "reject_transfer",
    "upload_file",
]
