"""Plain HTTP and TCP checks of whether a server answers yet."""

import json
import socket
import urllib.error
import urllib.request
from typing import Any


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """Status code of a GET to `url`, or None while nothing answers there."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http only
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def http_json(url: str, timeout: float = 2.0) -> Any:
    """Decoded JSON body of a GET to `url`."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http only
        return json.load(response)


def accepts_connections(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something listens on host:port yet, for servers with no health endpoint."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
