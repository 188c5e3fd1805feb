"""gunicorn settings for the web process (`gunicorn -c python:factcheck.gunicorn_conf`).

Requests gunicorn refuses before Django sees them (a request line over 8,190 bytes: 414;
more than 100 header fields or one over 8,190 bytes: 431; a malformed request: 400) get the
same JSON error body as the API's own errors instead of gunicorn's HTML page. gunicorn has
no setting for that page, so its one writer of error responses is replaced here; the status
code, reason and `Connection: close` stay gunicorn's.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
control_socket_disable = True


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    body = json.dumps({"detail": f"{reason}: {mesg}" if mesg else reason}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


util.write_error = write_json_error
