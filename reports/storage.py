"""Where export files live. With an object store configured (S3_BUCKET) every web replica and
worker reads and writes the same bucket, so a file produced by any worker downloads from any
replica; otherwise EXPORT_ROOT on the local disk (`make run`, one host). Nothing else in the app
touches the file system for exports."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


def export_storage() -> Storage:
    if "exports" in settings.STORAGES:
        return storages["exports"]
    return FileSystemStorage(location=settings.EXPORT_ROOT)
