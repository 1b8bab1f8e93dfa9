package dev.hearth.sandbox;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's side of {@code hearth_fork.py}: one control connection per server (its children's exits
 * come back on it, read by one virtual thread), and one connection per fork that becomes the child's
 * output. The server's socket is reached through {@code /proc/<pid>/root}, so nothing outside the
 * sandbox is shared with it. A child is placed in its cgroup by the node before it runs any code of the
 * function: it waits for the node's "g" after reporting its pid.
 *
 * <p>Threading: thread-safe; {@link #fork} blocks (two short round trips, a few {@code /proc} reads).
 */
final class UnixForkServer implements ForkServer {
    static final String SOCKET = "tmp/.hearth-fork/control.sock";
    private static final int LINE_LIMIT = 256;

    /** Creates a child's cgroup with a sandbox's usual limits for its memory size; empty without cgroups. */
    @FunctionalInterface
    interface ChildCgroups {
        Optional<Cgroup> create(String id, int memoryMb, int pidLimit) throws IOException;
    }

    private final Path socket;
    private final long serverHostPid;
    private final boolean privateTmp;
    private final SocketChannel control;
    private final ChildCgroups cgroups;
    /** Children's ends by their pid in the sandbox, reported or awaited (either may come first). */
    private final Map<Integer, CompletableFuture<ExitStatus>> exits = new ConcurrentHashMap<>();
    private volatile boolean alive = true;

    private UnixForkServer(Path socket, long serverHostPid, boolean privateTmp, SocketChannel control,
                           ChildCgroups cgroups) {
        this.socket = socket;
        this.serverHostPid = serverHostPid;
        this.privateTmp = privateTmp;
        this.control = control;
        this.cgroups = cgroups;
    }

    /** Connects to the server listening somewhere in {@code sandbox}'s process tree. */
    static UnixForkServer attach(Sandbox sandbox, ChildCgroups cgroups) throws IOException {
        List<Long> tree = new ArrayList<>();
        ProcessHandle.of(sandbox.pid()).ifPresent(top -> top.descendants().forEach(p -> tree.add(p.pid())));
        for (long pid : tree.reversed()) {
            Path candidate = Path.of("/proc", Long.toString(pid), "root").resolve(SOCKET);
            if (!Files.exists(candidate)) {
                continue;
            }
            SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                control.connect(UnixDomainSocketAddress.of(candidate));
                write(control, "control\n");
                String[] ready = readLine(control).split(" ");
                if (ready.length != 3 || !ready[0].equals("ready")) {
                    throw new IOException("the fork server answered " + String.join(" ", ready));
                }
                int serverPid = Integer.parseInt(ready[1]);
                long host = tree.stream().filter(p -> innermostPid(p) == serverPid).findFirst()
                        .orElseThrow(() -> new IOException("the fork server's process is not in " + sandbox));
                Path socket = Path.of("/proc", Long.toString(host), "root").resolve(SOCKET);
                UnixForkServer server = new UnixForkServer(socket, host, "1".equals(ready[2]), control, cgroups);
                Thread.ofVirtual().name("hearth-fork-exits-" + host).start(server::readExits);
                return server;
            } catch (IOException | RuntimeException e) {
                control.close();
                throw e instanceof IOException io ? io : new IOException(e.toString(), e);
            }
        }
        throw new IOException("no fork server listens in " + sandbox);
    }

    @Override
    public Sandbox fork(Request request) throws IOException {
        if (!alive) {
            throw new IOException("the fork server has ended");
        }
        Optional<Cgroup> cgroup = cgroups.create(request.id(), request.memoryMb(), request.pidLimit());
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, "fork " + json(request) + "\n");
            int childPid = Integer.parseInt(readLine(channel));
            CompletableFuture<ExitStatus> exit = exits.computeIfAbsent(childPid, p -> new CompletableFuture<>());
            long host = hostPidOf(childPid);
            if (cgroup.isPresent()) {
                for (Path procs : cgroup.get().procsFiles()) {
                    CgroupFiles.write(procs, Long.toString(host));
                }
            }
            write(channel, "g");
            exit.whenComplete((s, e) -> exits.remove(childPid));
            return new ForkedSandbox(request.id(), host, channel, cgroup, exit);
        } catch (IOException | RuntimeException e) {
            channel.close(); // the child, if any, exits without "g"
            cgroup.ifPresent(Cgroup::remove);
            throw e instanceof IOException io ? io : new IOException("cannot fork: " + e, e);
        }
    }

    @Override
    public boolean privateTmp() {
        return privateTmp;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public void close() {
        alive = false;
        try {
            control.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** On its own virtual thread: {@code exit <pid> <code|-> <signal|->} lines until the server ends. */
    private void readExits() {
        try {
            while (true) {
                String[] f = readLine(control).split(" ");
                if (f.length == 4 && f[0].equals("exit")) {
                    ExitStatus status = new ExitStatus(number(f[2]), number(f[3]), false);
                    exits.computeIfAbsent(Integer.parseInt(f[1]), p -> new CompletableFuture<>()).complete(status);
                }
            }
        } catch (IOException | RuntimeException e) {
            alive = false;
            // With the server gone its children were killed with its pid namespace: report them so.
            ExitStatus killed = new ExitStatus(OptionalInt.empty(), OptionalInt.of(9), false);
            exits.values().forEach(f -> f.complete(killed));
        }
    }

    private static OptionalInt number(String field) {
        return field.equals("-") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(field));
    }

    /** The child's host pid: among the server's children, the one whose innermost pid is {@code childPid}. */
    private long hostPidOf(int childPid) throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(serverHostPid), "task"))) {
            for (Path task : tasks) {
                for (String child : Files.readString(task.resolve("children")).trim().split("\\s+")) {
                    if (!child.isEmpty() && innermostPid(Long.parseLong(child)) == childPid) {
                        return Long.parseLong(child);
                    }
                }
            }
        }
        throw new IOException("child " + childPid + " of the fork server (host pid " + serverHostPid + ") not found");
    }

    /** The last pid of {@code NSpid} in {@code /proc/<pid>/status}: the process's pid in its own namespace. */
    static long innermostPid(long hostPid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(hostPid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** One line, read a byte at a time so that nothing after it (the child's output) is consumed. */
    private static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder line = new StringBuilder();
        while (line.length() < LINE_LIMIT) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the fork server closed the connection");
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
        throw new IOException("the fork server sent an overlong line");
    }

    static String json(Request request) {
        StringBuilder out = new StringBuilder(4096).append("{\"tmpBytes\":")
                .append(request.tmpSizeMb() * 1024L * 1024L).append(",\"env\":{");
        boolean first = true;
        for (var e : new TreeMap<>(request.environment()).entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, e.getKey()).append(':');
            quote(out, e.getValue());
        }
        return out.append("}}").toString();
    }

    private static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    @Override
    public String toString() {
        return "fork server (host pid " + serverHostPid + ")";
    }
}
