"""Logging filters."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A 4xx (a refused permission, a suspicious request) is no bug in the portal: log its one
    line without the traceback Django attaches, so real errors stand out in the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
