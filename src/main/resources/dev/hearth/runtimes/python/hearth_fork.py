"""Hearth's fork server: an initialised interpreter that forks a new execution environment per request.

Used by SnapStart (the template has imported the function's handler and run its before-snapshot hooks)
and meant for any runtime that wants to start environments from a loaded interpreter. Standard library
plus ctypes; Linux only.

Protocol, on a unix socket at <directory>/control.sock that the platform reaches through
/proc/<pid>/root (text lines, UTF-8):
  control connection: platform "control\\n" -> server "ready <pid> <userns 0|1>\\n"; then the server writes
      "exit <pid> <code|-> <signal|->\\n" for each child that ends. The server exits when it closes.
  fork connection:    platform "fork <json>\\n" with {"tmpBytes": N}; the child writes "<pid>\\n", the
      platform moves it into its cgroup and writes "g"; the child makes its namespaces and waits (a spare,
      ready ahead of demand) until the platform writes "env <json>\\n" with the environment's variables, or
      closes the connection (the spare was not needed: it exits). The child then runs the caller's
      connect(environment) (its Runtime API connection), writes "port <its local port, or 0>\\n", and from
      then on the connection is its standard output and error. The port lets the platform know that
      connection as the child's without searching /proc (whose TCP tables cost milliseconds to read).
      A spare may be told "ahead <address>\n" before its environment (SnapStart: the endpoint its environment
      will have is bound already): it runs serve()'s connect_ahead(address) at once and writes "port <n>\n"
      (0: it could not, and connects as above once it has its environment). Connected ahead, it does not
      connect again nor report its port after "env": the platform hands it only an environment whose
      endpoint is that address. Connection and first request are then off the restore's path.
Pids are the sandbox's own (its pid namespace).

Children of a runtime's fork server (Hearth's stem cells; one server starts environments of many functions)
ask for more in the fork request: {"code": true}. Such a child does not map its own ids: it makes its user
and mount namespaces before it writes its pid, and the platform (root on the host) maps the child's uid and
gid to host ids of its own along with placing it in its cgroup, before "g"; the child then takes them on,
so that no child can signal another or the server (a signal needs only the same uid; /proc/<pid>/root,
environ and the like are refused across user namespaces anyway). {"ownIds": true} asks for the same ids
without the code slot (SnapStart children when the platform is root); the server's /tmp is opened before
the ids change, so that its copy still works. It keeps its capabilities (in its own user namespace) until
the platform writes "code <slot>[ <layers>]\\n": the server's /var/task holds a directory per child being
started, <slot> with the function's code and <layers> (when it has layers) with its /opt, which the child
binds read-only onto /opt and /var/task (the second bind covers every other slot; without layers /opt stays
the server's, the platform's empty read-only /opt), then drops every capability; then comes "env <json>\\n"
as above. The platform writes both lines at once (one wake-up of the child, not two). A child that cannot
show its code answers "error <reason>\\n" and exits; otherwise its next line is "port <n>\\n" (a child
connected ahead, which reports no port then, answers "mounted\\n" instead).

In the child, before it returns to the caller: its own user and mount namespaces with a private tmpfs on
/tmp (holding a copy of what the server's /tmp held, this directory aside), every capability dropped,
fds 1 and 2 on the connection, and the request's environment in place of the server's.

The server freezes its heap before serving (gc.freeze): a child's collections then never walk, and so
never copy, the pages it shares with the server.
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
_PR_SET_DUMPABLE = 4

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _unshare():
    """A user namespace (its ids not mapped yet) and a mount namespace it owns; groups can never be dropped."""
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")


def _take_mapped_ids(uid, gid):
    """Once the platform has mapped this namespace's {uid}/{gid} to host ids of this child's own: takes them on."""
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    # A change of ids leaves the process undumpable, its /proc entries root's (not even its own
    # /proc/self/environ readable): back to what any process has. Siblings still differ in host ids.
    _check(_libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl PR_SET_DUMPABLE")


def _own_namespaces():
    """A user namespace mapping our own uid/gid to themselves, and a mount namespace it owns (a child that
    shares the server's ids; one with ids of its own made its namespaces before the platform mapped them)."""
    uid, gid = os.getuid(), os.getgid()
    _unshare()
    with open("/proc/self/uid_map", "w") as f:
        f.write("%d %d 1" % (uid, uid))
    with open("/proc/self/gid_map", "w") as f:
        f.write("%d %d 1" % (gid, gid))


_OPEN_AHEAD = 256


def _server_tmp(old, skip):
    """What the server's /tmp holds (bar {skip}), as (kind, path, source, stat) in walking order, taken while
    this process still has the server's ids: with host ids of its own it could not read what only those
    may. Files are opened (the first _OPEN_AHEAD) or read now."""
    import stat
    entries = []
    opened = [0]

    def walk(dir_fd, prefix):
        for entry in os.scandir(dir_fd):
            if not prefix and entry.name == skip:
                continue
            st = entry.stat(follow_symlinks=False)
            path = prefix + entry.name
            if stat.S_ISLNK(st.st_mode):
                entries.append(("l", path, os.readlink(entry.name, dir_fd=dir_fd), st))
            elif stat.S_ISDIR(st.st_mode):
                entries.append(("d", path, None, st))
                fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=dir_fd)
                try:
                    walk(fd, path + "/")
                finally:
                    os.close(fd)
            elif stat.S_ISREG(st.st_mode):
                fd = os.open(entry.name, os.O_RDONLY, dir_fd=dir_fd)
                if opened[0] < _OPEN_AHEAD:
                    opened[0] += 1
                    entries.append(("f", path, fd, st))
                else:
                    with os.fdopen(fd, "rb") as f:
                        entries.append(("f", path, f.read(), st))

    walk(old, "")
    return entries


def _copy_tmp(entries):
    """Makes what _server_tmp took in this environment's /tmp, with the same modes and times."""
    for kind, path, source, st in entries:
        target = "/tmp/" + path
        if kind == "d":
            os.mkdir(target, 0o700)
        elif kind == "l":
            os.symlink(source, target)
        else:
            with open(target, "wb") as out:
                if isinstance(source, int):
                    with os.fdopen(source, "rb") as f:
                        while True:
                            chunk = f.read(1 << 20)
                            if not chunk:
                                break
                            out.write(chunk)
                else:
                    out.write(source)
    # Modes and times last, deepest first: a read-only directory is filled before it becomes one.
    for kind, path, source, st in reversed(entries):
        target = "/tmp/" + path
        if kind != "l":
            os.chmod(target, st.st_mode & 0o7777)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)


def _private_tmp(tmp_bytes, skip, mapped=None):
    """{mapped}: (uid, gid) when the namespaces are made and the platform mapped their ids already."""
    old = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
    try:
        entries = _server_tmp(old, skip)
        if mapped is not None:
            _take_mapped_ids(*mapped)
        else:
            _own_namespaces()
        # Nothing mounted here may reach the server's namespace (it cannot anyway from a less privileged
        # one, but private says so outright).
        _check(_libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "mount --make-rprivate /")
        options = ("size=%d,mode=1777" % tmp_bytes).encode()
        _check(_libc.mount(b"none", b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "mount tmpfs /tmp")
        # What init left in /tmp belongs to the snapshot: each environment starts with its own copy.
        _copy_tmp(entries)
    finally:
        os.close(old)


_MS_RDONLY = 1
_MS_REMOUNT = 32
_MS_BIND = 4096
_ST_RDONLY = 1


def _show_code(slots):
    """Binds the slot's layers (if named) and code read-only onto /opt and /var/task; the last bind hides the
    slots. Without layers /opt stays the server's: the platform's empty read-only /opt."""
    names = slots.split(" ")
    if len(names) > 2 or not all(name and all(c.isalnum() or c == "-" for c in name) for name in names):
        raise ValueError("bad slot name %r" % slots)
    binds = [("/var/task/" + names[1], "/opt")] if len(names) == 2 else []
    binds.append(("/var/task/" + names[0], "/var/task"))
    for source, target in binds:
        _check(_libc.mount(source.encode(), target.encode(), None, _MS_BIND, None), "bind " + target)
        # The bind keeps the read-only flag of the server's /var/task; said again in case it did not.
        _libc.mount(None, target.encode(), None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, None)
        if not os.statvfs(target).f_flag & _ST_RDONLY:
            raise OSError("%s is not read-only" % target)
    os.chdir("/var/task")


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


def _replace_environ(environment, server):
    """os.environ becomes {environment}: only the variables that differ from the server's ({server}, a plain
    dict of them taken before forking: os.environ decodes every name and value it is asked for, about 85 us
    for 60 variables) are set or unset (a server's environment is mostly its children's; each putenv costs,
    and the whole set took about twice as long on the child's start path)."""
    environ = os.environ
    for name in [name for name in server if name not in environment]:
        del environ[name]
    for name, value in environment.items():
        if server.get(name) != value:
            environ[name] = value


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


class _Lines(object):
    """Lines of a connection in order, keeping what arrived after the line returned (the platform may write
    several lines at once)."""

    def __init__(self, sock, limit=16 * 1024 * 1024):
        self._sock = sock
        self._limit = limit
        self._data = bytearray()

    def pending(self):
        """Whether data has arrived that next() has not returned yet (without reading more)."""
        return bool(self._data)

    def next(self):
        while True:
            end = self._data.find(b"\n")
            if end >= 0:
                line = bytes(self._data[:end])
                del self._data[:end + 1]
                return line
            chunk = self._sock.recv(65536)
            if not chunk or len(self._data) + len(chunk) > self._limit:
                return None
            self._data += chunk


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

    def serve(self, connect=None, connect_ahead=None, rehearse=None):
        """Forks a child per request and reports their exits. Returns only in a child, with its environment
        and what connect(environment) returned there (a socket, or None); or, for a spare told "ahead",
        what connect_ahead(address) returned while it waited. Such a spare, once connected and its port
        reported, calls rehearse(arrived) if given (SnapStart: the runtime's own code run ahead, so that
        its pages are the child's before the environment comes); arrived() says whether the next line has."""
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        signal.set_wakeup_fd(wake_w.fileno())
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self._environ = dict(os.environ)
        import gc
        gc.collect()
        gc.freeze()
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
                        return self._become_child(conn, request, connect, connect_ahead, rehearse)
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

    def _become_child(self, conn, request, connect, connect_ahead=None, rehearse=None):
        fd = conn.fileno()
        code = bool(request.get("code"))
        own_ids = code or bool(request.get("ownIds"))
        # A child with ids of its own makes its namespaces first: the platform maps their ids when it places
        # the child in its cgroup, so "g" says both (one round trip instead of two).
        mapped = None
        if own_ids and self._userns:
            mapped = (os.getuid(), os.getgid())
            try:
                _unshare()
            except Exception as e:
                os.write(fd, ("Hearth could not give this environment a private /tmp: %s\n" % e).encode())
                os._exit(71)
        conn.sendall(b"%d\n" % os.getpid())
        if conn.recv(1) != b"g":
            os._exit(70)  # the platform could not place this child in its cgroup (or map its ids)
        try:
            if self._userns:
                _private_tmp(int(request.get("tmpBytes", 512 * 1024 * 1024)), os.path.basename(self._directory),
                             mapped)
                if not code:
                    _drop_capabilities()
        except Exception as e:
            os.write(fd, ("Hearth could not give this environment a private /tmp: %s\n" % e).encode())
            os._exit(71)
        lines = _Lines(conn)
        line = lines.next()
        early = None
        if line is not None and line.startswith(b"ahead "):
            early = connect_ahead(line[6:].decode("utf-8")) if connect_ahead is not None else None
            conn.sendall(b"port %d\n" % (early.getsockname()[1] if early is not None else 0))
            if early is not None and rehearse is not None:
                rehearse(lambda: lines.pending() or bool(select.select([conn], [], [], 0)[0]))
            line = lines.next()
        if code:
            try:
                if line is not None and line.startswith(b"code "):
                    _show_code(line[5:].decode("utf-8"))
                _drop_capabilities()
            except Exception as e:
                conn.sendall(("error %s\n" % e).encode())
                os._exit(72)
            if line is not None and line.startswith(b"code "):
                if early is not None:
                    conn.sendall(b"mounted\n")  # it reports no port after "env": this says the code is shown
                line = lines.next()
        if line is None or not line.startswith(b"env "):
            os._exit(0)  # a spare the platform did not need
        environment = json.loads(line[4:].decode("utf-8"))
        _replace_environ(environment, self._environ)
        time.tzset()
        if early is not None:
            sock = early
        else:
            sock = connect(environment) if connect is not None else None
            port = sock.getsockname()[1] if sock is not None else 0
            conn.sendall(b"port %d\n" % port)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        conn.close()
        return environment, sock
