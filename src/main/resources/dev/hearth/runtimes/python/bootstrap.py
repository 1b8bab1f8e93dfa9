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
import socket


def _connect_ahead():
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
    host, sep, port = address.rpartition(":")
    try:
        sock = socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    except (OSError, ValueError):
        return None  # connected (and reported) on the first request instead


if __name__ == "__main__":
    _stem_cell = os.environ.get("HEARTH_STEM_CELL") == "1"
    _early = None if _stem_cell else _connect_ahead()
    import hearth_runtime  # noqa: E402  (after the early connection, on purpose; see hearth_runtime's header)

    hearth_runtime.main(_early, _stem_cell)
