"""TCP ports the embedded servers claim on the loopback interface."""

import socket
from contextlib import ExitStack
from dataclasses import dataclass

from jobtrail.stack.errors import StackError


@dataclass(frozen=True)
class PortClaim:
    """A port one server needs, and the setting that moves it elsewhere."""

    label: str
    host: str
    port: int
    env_var: str


def ensure_free(claim: PortClaim) -> None:
    """Raise a StackError naming the server if something already listens on the port."""
    try:
        with _bound(claim.host, claim.port):
            pass
    except OSError as error:
        raise StackError(
            f"{claim.label} port {claim.port} on {claim.host} is already in use; "
            f"stop what holds it or set {claim.env_var}"
        ) from error


def free_ports(host: str, count: int) -> list[int]:
    """Return `count` distinct ports that nothing listens on right now."""
    # Hold every socket open until all are chosen, so the kernel never hands out one twice.
    with ExitStack() as sockets:
        bound = [sockets.enter_context(_bound(host, 0)) for _ in range(count)]
        return [sock.getsockname()[1] for sock in bound]


def _bound(host: str, port: int) -> socket.socket:
    """Bind a TCP socket the way the servers do (SO_REUSEADDR ignores TIME_WAIT leftovers)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
