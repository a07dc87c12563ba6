"""Request ids on every log line (JSON in production: see LOGGING in config/settings.py)."""

import logging
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("tandem_request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the request's id in a request, "-" elsewhere."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
