"""Hearth's bootstrap for the python3.x managed runtimes.

Behaves like AWS's Python runtime (awslambdaric): the same handler rules, context object, log formats,
error payloads and Runtime.* error types, so that functions (and the tools that read their logs) see
no difference. Standard library only (PyPI is not reachable where Hearth is built) and Python 3.9+.

Started as `python3 /var/runtime/bootstrap.py` with AWS_LAMBDA_RUNTIME_API and _HANDLER set; the
working directory is the task root. LAMBDA_TASK_ROOT and LAMBDA_RUNTIME_DIR (default /var/task and
/var/runtime) are honoured so that the same file runs outside a sandbox.

The Runtime API is spoken over one persistent HTTP/1.1 connection with a minimal client of our own:
http.client pulls in ssl and email (about 30 ms of imports, twice the interpreter's own start-up), and a
kept-alive connection saves a TCP handshake per invocation. It is opened before anything else is
imported: the platform checks that a connection comes from this sandbox as soon as it accepts it, and
that check then runs while the imports below do.

As a stem cell (HEARTH_STEM_CELL=1, started by the platform before any function needs it) the
bootstrap imports everything, then waits on its standard input for the function's complete
environment (NAME=value entries, each ended by NUL, up to end-of-file), takes it on, and goes on as a
freshly started runtime would: only then is the handler imported, so the function's init code runs in
every new environment. The platform starts cells only with the variables an interpreter reads at its
start equal to the function's, so nothing the function can see differs.
"""

import os
import sys


def _pause_collection():
    """Turns the cyclic garbage collector off for the runtime's own start; hearth_runtime.main turns it back on
    before the function's code runs. Python's start-up runs about ten young collections, whose survivors wait
    in the middle generation, so the next young collection, due a few hundred allocations into the runtime's
    import, walks every object the interpreter and the runtime have made so far (0.6-0.8 ms here), only to
    find them all alive. Returns (gc, whether gc had been imported before)."""
    imported = "gc" in sys.modules
    import gc
    gc.disable()
    return gc, imported


# Not in a stem cell: a fork server freezes its heap itself, and cells start ahead of any invoke.
_PAUSED = _pause_collection() if __name__ == "__main__" and os.environ.get("HEARTH_STEM_CELL") != "1" else None

import _socket  # noqa: E402  (after the pause: its set-up allocates too)


def _host(host):
    # Bytes for an ASCII name: given a str, getaddrinfo encodes it with the idna codec, whose import
    # (re, stringprep, unicodedata) costs more than the interpreter's whole module set-up.
    host = host.strip("[]") or "127.0.0.1"
    return host.encode("ascii") if host.isascii() else host


def _connect_ahead():
    # On _socket alone, as hearth_runtime.open_connection (socket.py's imports cost 3-5 ms).
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
    host, sep, port = address.rpartition(":")
    try:
        for family, kind, proto, _, addr in _socket.getaddrinfo(_host(host), int(port), 0, _socket.SOCK_STREAM):
            sock = _socket.socket(family, kind, proto)
            try:
                sock.connect(addr)
                sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
                return sock
            except OSError:
                sock.close()
    except (OSError, ValueError):
        pass
    return None  # connected (and reported) on the first request instead


if __name__ == "__main__":
    _stem_cell = os.environ.get("HEARTH_STEM_CELL") == "1"
    _early = None if _stem_cell else _connect_ahead()
    import hearth_runtime  # noqa: E402  (after the early connection, on purpose; see hearth_runtime's header)

    hearth_runtime.main(_early, _stem_cell, _PAUSED)
