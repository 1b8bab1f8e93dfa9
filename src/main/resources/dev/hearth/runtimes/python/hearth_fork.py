"""Hearth's fork server: an initialised interpreter that forks a new execution environment per request.

Used by SnapStart (the template has imported the function's handler and run its before-snapshot hooks)
and meant for any runtime that wants to start environments from a loaded interpreter. Standard library
plus ctypes; Linux only.

Protocol, on a unix socket at <directory>/control.sock that the platform reaches through
/proc/<pid>/root (text lines, UTF-8):
  control connection: platform "control\\n" -> server "ready <pid> <userns 0|1>\\n"; then the server writes
      "exit <pid> <code|-> <signal|->\\n" for each child that ends. The server exits when it closes.
  fork connection:    platform "fork <json>\\n" with {"env": {...}, "tmpBytes": N}; the child writes
      "<pid>\\n", the platform moves it into its cgroup and writes "g"; from then on the connection is the
      child's standard output and error.
Pids are the sandbox's own (its pid namespace).

In the child, before it returns to the caller: its own user and mount namespaces with a private tmpfs on
/tmp (holding a copy of what the server's /tmp held, this directory aside), every capability dropped,
fds 1 and 2 on the connection, and the request's environment in place of the server's.
"""

import ctypes
import json
import os
import select
import signal
import socket
import sys
import time

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_REC = 0x4000
_MS_PRIVATE = 1 << 18
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _own_namespaces():
    """A user namespace mapping our own uid/gid to themselves, and a mount namespace it owns."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write("%d %d 1" % (uid, uid))
    with open("/proc/self/gid_map", "w") as f:
        f.write("%d %d 1" % (gid, gid))


def _private_tmp(tmp_bytes, skip):
    old = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
    try:
        _own_namespaces()
        # Nothing mounted here may reach the server's namespace (it cannot anyway from a less privileged
        # one, but private says so outright).
        _check(_libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "mount --make-rprivate /")
        options = ("size=%d,mode=1777" % tmp_bytes).encode()
        _check(_libc.mount(b"none", b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "mount tmpfs /tmp")
        names = [n for n in os.listdir(old) if n != skip]
        if names:
            # What init left in /tmp belongs to the snapshot: each environment starts with its own copy.
            import shutil
            source = "/proc/self/fd/%d" % old
            for name in names:
                path = os.path.join(source, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.copytree(path, "/tmp/" + name, symlinks=True)
                else:
                    shutil.copy2(path, "/tmp/" + name, follow_symlinks=False)
    finally:
        os.close(old)


def _drop_capabilities():
    """The new user namespace gave this process every capability in it: none is kept."""
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(_CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)), data), "capset")


def _probe_userns():
    """Whether a child can make the namespaces above here (forks once; a few milliseconds)."""
    pid = os.fork()
    if pid == 0:
        try:
            _own_namespaces()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _read_line(sock, limit=16 * 1024 * 1024):
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > limit:
            return None
    return bytes(data[:-1])


class ForkServer(object):
    """A listening fork server; serve() returns only in a forked child."""

    def __init__(self, directory="/tmp/.hearth-fork"):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self._directory = directory
        path = os.path.join(directory, "control.sock")
        if os.path.exists(path):
            os.unlink(path)
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        self._listener.listen(128)
        self._userns = _probe_userns()
        self._control = None

    def serve(self):
        """Forks a child per request and reports their exits; in a child, returns its environment."""
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        signal.set_wakeup_fd(wake_w.fileno())
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        while True:
            watched = [self._listener, wake_r] + ([self._control] if self._control is not None else [])
            readable, _, _ = select.select(watched, [], [])
            if wake_r in readable:
                try:
                    while wake_r.recv(4096):
                        pass
                except BlockingIOError:
                    pass
                self._reap()
            if self._control is not None and self._control in readable:
                try:
                    gone = not self._control.recv(4096)
                except OSError:
                    gone = True
                if gone:
                    os._exit(0)  # the platform is gone: so is every environment of this snapshot
            if self._listener in readable:
                conn, _ = self._listener.accept()
                line = _read_line(conn)
                if line == b"control":
                    self._control = conn
                    conn.sendall(b"ready %d %d\n" % (os.getpid(), 1 if self._userns else 0))
                elif line is not None and line.startswith(b"fork "):
                    request = json.loads(line[5:].decode("utf-8"))
                    for stream in (sys.stdout, sys.stderr):
                        stream.flush()
                    pid = os.fork()
                    if pid == 0:
                        signal.set_wakeup_fd(-1)
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        for own in (wake_r, wake_w, self._listener, self._control):
                            if own is not None:
                                own.close()
                        return self._become_child(conn, request)
                    conn.close()
                else:
                    conn.close()

    def _reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = str(os.WEXITSTATUS(status)) if os.WIFEXITED(status) else "-"
            sig = str(os.WTERMSIG(status)) if os.WIFSIGNALED(status) else "-"
            if self._control is not None:
                try:
                    self._control.sendall(("exit %d %s %s\n" % (pid, code, sig)).encode())
                except OSError:
                    os._exit(0)

    def _become_child(self, conn, request):
        conn.sendall(b"%d\n" % os.getpid())
        if conn.recv(1) != b"g":
            os._exit(70)  # the platform could not place this child in its cgroup
        fd = conn.fileno()
        try:
            if self._userns:
                _private_tmp(int(request.get("tmpBytes", 512 * 1024 * 1024)), os.path.basename(self._directory))
                _drop_capabilities()
        except Exception as e:
            os.write(fd, ("Hearth could not give this environment a private /tmp: %s\n" % e).encode())
            os._exit(71)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        conn.close()
        environment = request.get("env", {})
        os.environ.clear()
        os.environ.update(environment)
        time.tzset()
        return environment
