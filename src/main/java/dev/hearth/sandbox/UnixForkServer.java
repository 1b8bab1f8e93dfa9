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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's side of {@code hearth_fork.py}: one control connection per server (its children's exits
 * come back on it, read by one virtual thread), and one connection per fork that becomes the child's
 * output ({@link ForkConnection}: with the launcher's poller a native socket it watches, so a forked
 * environment costs no thread). The server's socket is reached through {@code /proc/<pid>/root}, so nothing outside the
 * sandbox is shared with it. A child is placed in its cgroup by the node before it runs any code of the
 * function: it waits for the node's "g" after reporting its pid.
 *
 * <p>Threading: thread-safe; {@link #fork} blocks (a write and one or two lines read when a spare is ready).
 * A fork connection through the poller passes credentials: the child's first line (its pid) arrives with its
 * host pid and ids from the kernel, so a fork reads nothing in {@code /proc}.
 */
final class UnixForkServer implements ForkServer {
    static final String SOCKET = "tmp/.hearth-fork/control.sock";
    private static final int LINE_LIMIT = 256;
    private static final long MIB = 1024L * 1024L;
    /**
     * A child with a code slot runs as host uid and gid {@code CHILD_IDS_BASE + its host pid}: unique among
     * live processes, and far above any account's ids.
     */
    static final long CHILD_IDS_BASE = 0x70000000L;
    /** Only root on the host may map a child's ids to host ids of its own. */
    static final boolean NODE_IS_ROOT = nodeIsRoot();

    /** Creates a child's cgroup with a sandbox's usual limits for its memory size; empty without cgroups. */
    interface ChildCgroups {
        /**
         * @param memoryMb      the memory size the CPU share follows
         * @param memoryLimitMb the memory limit: {@code memoryMb}, less the server's memory for a SnapStart child
         */
        Optional<Cgroup> create(String id, int memoryMb, int memoryLimitMb, int pidLimit) throws IOException;

        /**
         * The child got its environment and starts working: its CPU start-up allowance runs from now (a
         * spare may have waited longer than the allowance lasts).
         */
        void started(Cgroup cgroup, int memoryMb, int pidLimit);
    }

    private final Path socket;
    private final long serverHostPid;
    private final boolean privateTmp;
    private final SocketChannel control;
    private final ChildCgroups cgroups;
    /** The launcher's poller: fork connections are native sockets it watches; empty, the JDK's channels. */
    private final Optional<dev.hearth.os.Poller> poller;
    /** Children's ends by their pid in the sandbox, reported or awaited (either may come first). */
    private final Map<Integer, CompletableFuture<ExitStatus>> exits = new ConcurrentHashMap<>();
    private volatile boolean alive = true;
    /** A child without a code slot could not be given host ids of its own: the next share the server's. */
    private volatile boolean ownIdsRefused;
    /** SnapStart: the server's memory each child without a code slot counts as its own (0: none). */
    private volatile long sharedBytes;
    /**
     * Children forked ahead of demand, oldest first. One is kept normally; a fork that finds none (a burst
     * of cold starts outrunning the refill) raises how many are kept, up to {@link #MAX_SPARES}, so that
     * the next forks of the burst cost one write each instead of a fork on their critical path; a fork that
     * takes a spare which had waited unused for a second, with others left, lowers it again.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Spare> spares = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger kept = new java.util.concurrent.atomic.AtomicInteger(1);
    private static final int MAX_SPARES = 4;
    /** A spare taken after waiting this long, with others left, says fewer are needed. */
    private static final long SPARE_IDLE_NANOS = 1_000_000_000L;
    private final java.util.concurrent.atomic.AtomicBoolean refilling = new java.util.concurrent.atomic.AtomicBoolean();
    /** SnapStart: spares connected ahead to an endpoint, by its address ({@link #prepareConnected}). */
    private final Map<String, Connected> connected = new ConcurrentHashMap<>();
    /**
     * Endpoints whose spare is being forked and connected ({@link #prepareConnected}), and endpoints an
     * environment took before anything was prepared for them. A fork for an endpoint waits (briefly) for
     * its spare rather than forking another child: that spare would otherwise connect to an endpoint whose
     * environment refuses it (a warning in the node's log, and a child left waiting until the server ends).
     * Guarded by {@link #aheadLock}.
     */
    private final Map<String, CompletableFuture<Void>> connecting = new java.util.HashMap<>();
    private final java.util.SequencedSet<String> takenUnprepared = new java.util.LinkedHashSet<>();
    /** Entries of {@link #takenUnprepared} kept: they matter for milliseconds (most forks name no prepared endpoint). */
    private static final int TAKEN_KEPT = 32;
    private final Object aheadLock = new Object();
    /** How long a fork waits for the spare being connected to its endpoint (it takes a few ms). */
    private static final long AHEAD_WAIT_MILLIS = 200;

    /** A spare connected ahead, and its connection's client port (0: it could not connect, and will after "env"). */
    private record Connected(Spare spare, int port) {
    }

    private UnixForkServer(Path socket, long serverHostPid, boolean privateTmp, SocketChannel control,
                           ChildCgroups cgroups, Optional<dev.hearth.os.Poller> poller) {
        this.poller = poller;
        this.socket = socket;
        this.serverHostPid = serverHostPid;
        this.privateTmp = privateTmp;
        this.control = control;
        this.cgroups = cgroups;
    }

    /** Connects to the server listening somewhere in {@code sandbox}'s process tree. */
    static UnixForkServer attach(Sandbox sandbox, ChildCgroups cgroups) throws IOException {
        return attach(sandbox, cgroups, Optional.empty());
    }

    /** As above; with {@code poller}, children's output is read through it (no thread per child). */
    static UnixForkServer attach(Sandbox sandbox, ChildCgroups cgroups, Optional<dev.hearth.os.Poller> poller)
            throws IOException {
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
                UnixForkServer server = new UnixForkServer(socket, host, "1".equals(ready[2]), control, cgroups, poller);
                Thread.ofVirtual().name("hearth-fork-exits-" + host).start(server::readExits);
                return server;
            } catch (IOException | RuntimeException e) {
                control.close();
                throw e instanceof IOException io ? io : new IOException(e.toString(), e);
            }
        }
        throw new IOException("no fork server listens in " + sandbox);
    }

    /** The limits a child is made with; a spare serves a request with the same. */
    private record Limits(int memoryMb, int pidLimit, int tmpSizeMb, boolean code) {
        Limits(int memoryMb, int pidLimit, int tmpSizeMb) {
            this(memoryMb, pidLimit, tmpSizeMb, false);
        }
    }

    /** A child forked ahead of demand: in its cgroup, namespaces made, waiting for its environment. */
    private record Spare(Limits limits, ForkConnection channel, long hostPid, Optional<Cgroup> cgroup,
                         CompletableFuture<ExitStatus> exit, long readyNanos) {
        void discard() {
            channel.close(); // the child exits when it reads end-of-file
            cgroup.ifPresent(c -> exit.whenComplete((s, e) -> c.remove()));
        }
    }

    /**
     * Takes a spare with {@code request}'s limits (else forks one now), hands it the environment, and
     * forks the next spares in the background, so that a fork on the invoke path costs one write.
     */
    @Override
    public Sandbox fork(Request request) throws IOException {
        if (!alive) {
            throw new IOException("the fork server has ended");
        }
        Limits limits = new Limits(request.memoryMb(), request.pidLimit(), request.tmpSizeMb(),
                request.codeSlot().isPresent());
        Connected ahead = request.endpoint().map(this::connectedSpare).orElse(null);
        if (ahead != null && (!ahead.spare().limits().equals(limits) || ahead.spare().exit().isDone())) {
            ahead.spare().discard();
            ahead = null;
        }
        // A spare connected ahead leaves the plain spares alone: its successor is connected by whoever
        // prepared it (the owner of the next endpoint).
        Spare child = ahead != null ? ahead.spare() : takeSpare(limits);
        if (child == null) {
            kept.updateAndGet(n -> Math.min(MAX_SPARES, n + 1));
            child = forkSpare(limits);
        } else if (ahead == null && !spares.isEmpty() && System.nanoTime() - child.readyNanos() > SPARE_IDLE_NANOS) {
            // Spares waited unused: fewer are kept. Lowered on any surplus instead, a burst's forks kept
            // lowering what its misses raised, and a quarter of them found no spare (under a tenth now).
            kept.updateAndGet(n -> Math.max(1, n - 1));
        }
        int port;
        try {
            String env = "env " + json(request.environment()) + "\n";
            boolean reportsPort = ahead == null || ahead.port() == 0; // connected ahead, it reports no port
            if (request.codeSlot().isPresent()) {
                // Both lines at once: the child mounts, then reads the environment already there. Its next
                // line is an error or its port (or, connected ahead, "mounted"): one read, not two.
                child.channel().write("code " + request.codeSlot().get()
                        + request.layersSlot().map(l -> " " + l).orElse("") + "\n" + env);
                if (!reportsPort) {
                    String mounted = child.channel().readLine();
                    if (!mounted.equals("mounted")) {
                        throw new IOException("the forked child could not show its code: " + mounted);
                    }
                }
            } else {
                child.channel().write(env);
            }
            if (!reportsPort) {
                port = ahead.port();
            } else {
                String line = child.channel().readLine();
                if (line.startsWith("error ")) {
                    throw new IOException("the forked child could not show its code: " + line);
                }
                String[] reported = line.split(" ");
                port = reported.length == 2 && reported[0].equals("port") ? Integer.parseInt(reported[1]) : 0;
            }
        } catch (IOException | RuntimeException e) {
            child.discard();
            throw e instanceof IOException io ? io : new IOException("the forked child answered badly: " + e, e);
        }
        child.cgroup().ifPresent(c -> cgroups.started(c, limits.memoryMb(), limits.pidLimit()));
        if (ahead == null) {
            refill(limits);
        }
        long shared = limits.code() ? 0 : sharedBytes;
        return new ForkedSandbox(request.id(), child.hostPid(), child.channel(), child.cgroup(), child.exit(), port,
                shared, shared == 0 ? Long.MAX_VALUE : limits.memoryMb() * MIB);
    }

    @Override
    public void prepare(int memoryMb, int pidLimit, int tmpSizeMb) {
        refill(new Limits(memoryMb, pidLimit, tmpSizeMb));
    }

    /** The spare connected ahead to {@code endpoint}, once it is there if it is being connected; else null. */
    private Connected connectedSpare(String endpoint) {
        CompletableFuture<Void> inFlight;
        synchronized (aheadLock) {
            inFlight = connecting.get(endpoint);
            if (inFlight == null && !connected.containsKey(endpoint)) {
                takenUnprepared.add(endpoint); // a later prepareConnected for it forks nothing
                if (takenUnprepared.size() > TAKEN_KEPT) {
                    takenUnprepared.removeFirst();
                }
            }
        }
        if (inFlight != null) {
            try {
                inFlight.get(AHEAD_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // Not there in time: this fork makes its own child.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return connected.remove(endpoint);
    }

    @Override
    public void prepareConnected(int memoryMb, int pidLimit, int tmpSizeMb, String endpoint) {
        if (!alive || !endpoint.matches("[0-9A-Za-z.:\\[\\]-]+")) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (aheadLock) {
            if (takenUnprepared.remove(endpoint)) {
                return; // its environment has started without it
            }
            connecting.put(endpoint, done);
        }
        Limits limits = new Limits(memoryMb, pidLimit, tmpSizeMb);
        Thread.ofVirtual().name("hearth-fork-ahead-" + serverHostPid).start(() -> {
            Spare spare = null;
            try {
                spare = forkSpare(limits);
                spare.channel().write("ahead " + endpoint + "\n");
                String[] reported = spare.channel().readLine().split(" ");
                int port = reported.length == 2 && reported[0].equals("port") ? Integer.parseInt(reported[1]) : 0;
                Connected old = connected.put(endpoint, new Connected(spare, port));
                if (old != null) {
                    old.spare().discard();
                }
                if (!alive) {
                    discardSpares();
                }
            } catch (IOException | RuntimeException e) {
                if (spare != null) {
                    spare.discard(); // the fork that wanted it makes a child itself
                }
            } finally {
                synchronized (aheadLock) {
                    connecting.remove(endpoint, done);
                }
                done.complete(null);
            }
        });
    }

    @Override
    public void prepareWithCode(int memoryMb, int pidLimit, int tmpSizeMb) {
        refill(new Limits(memoryMb, pidLimit, tmpSizeMb, true));
    }

    /** The oldest live spare with {@code limits}; spares with other limits (or dead ones) are discarded. */
    private Spare takeSpare(Limits limits) {
        for (Spare s; (s = spares.pollFirst()) != null; ) {
            if (s.limits().equals(limits) && !s.exit().isDone()) {
                return s;
            }
            s.discard();
        }
        return null;
    }

    /**
     * Forks spares with {@code limits}, one after the other on a virtual thread, until as many as are
     * {@link #kept} wait; nothing if that many are there or another refill runs. One at a time on purpose:
     * forking several at once (a thread per missing spare) made a burst slower on a busy machine (3 of 3
     * alternating pairs), the spares being made taking CPU from the starts that hold the node's start gate.
     */
    private void refill(Limits limits) {
        if (!alive || spares.size() >= kept.get() || !refilling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("hearth-fork-spare-" + serverHostPid).start(() -> {
            boolean failed = false;
            try {
                while (alive && spares.size() < kept.get()) {
                    spares.addLast(forkSpare(limits));
                }
            } catch (IOException | RuntimeException e) {
                // The next fork makes its child itself and says why if it cannot.
                failed = true;
            } finally {
                refilling.set(false);
            }
            if (!alive) {
                discardSpares();
            } else if (!failed) {
                refill(limits); // a fork may have taken one while this refill was finishing
            }
        });
    }

    private void discardSpares() {
        for (Spare s; (s = spares.pollFirst()) != null; ) {
            s.discard();
        }
        for (String endpoint : List.copyOf(connected.keySet())) {
            Connected c = connected.remove(endpoint);
            if (c != null) {
                c.spare().discard();
            }
        }
    }

    /** Forks a child, places it in a cgroup of its own and lets it make its namespaces. */
    private Spare forkSpare(Limits limits) throws IOException {
        String id = "fork-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
        Optional<Cgroup> cgroup = cgroups.create(id, limits.memoryMb(), memoryLimitMb(limits), limits.pidLimit());
        ForkConnection channel;
        try {
            channel = ForkConnection.open(socket, poller);
        } catch (IOException | RuntimeException e) {
            cgroup.ifPresent(Cgroup::remove);
            throw e;
        }
        try {
            // Every child of a root node runs as host ids of its own (SnapStart's too: made ahead, it costs
            // the restore nothing), unless this server's children showed they cannot be given them.
            boolean ownIds = limits.code() || privateTmp && NODE_IS_ROOT && !ownIdsRefused;
            channel.write("fork {\"tmpBytes\":" + limits.tmpSizeMb() * 1024L * 1024L
                    + (limits.code() ? ",\"code\":true}\n" : ownIds ? ",\"ownIds\":true}\n" : "}\n"));
            dev.hearth.os.UnixSocket.Line reported = channel.readSentLine();
            int childPid = Integer.parseInt(reported.text());
            CompletableFuture<ExitStatus> exit = exits.computeIfAbsent(childPid, p -> new CompletableFuture<>());
            exit.whenComplete((s, e) -> exits.remove(childPid));
            // The kernel names the line's writer, the child, by its host pid and ids: no /proc search needed.
            Optional<ProcStatus> sent = reported.sender().map(w -> new ProcStatus(w.pid(), childPid,
                    Long.toString(w.uid()), Long.toString(w.gid())));
            ProcStatus child = sent.isPresent() ? sent.get() : hostPidOf(childPid);
            long host = child.hostPid();
            if (cgroup.isPresent()) {
                for (Path procs : cgroup.get().procsFiles()) {
                    CgroupFiles.write(procs, Long.toString(host));
                }
            }
            if (ownIds) {
                try {
                    mapIds(child);
                } catch (IOException e) {
                    if (!limits.code()) {
                        ownIdsRefused = true; // without a code slot the next children share the server's ids
                    }
                    throw e;
                }
            }
            channel.write("g");
            return new Spare(limits, channel, host, cgroup, exit, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            channel.close(); // the child, if any, exits without "g"
            cgroup.ifPresent(Cgroup::remove);
            throw e instanceof IOException io ? io : new IOException("cannot fork: " + e, e);
        }
    }

    /**
     * Maps the child's uid and gid (as the kernel or {@link #hostPidOf} gave them; unsharing a user namespace
     * changes neither) to host ids of its own, in the user namespace the child made before it reported its
     * pid; its "g" then says both that it is in its cgroup and that its ids are mapped. Only a node that is
     * root on the host may write such maps; elsewhere this fails (the child has no new user namespace, or
     * no map may be written), and with it the fork.
     */
    private static void mapIds(ProcStatus child) throws IOException {
        long own = CHILD_IDS_BASE + child.hostPid();
        Path proc = Path.of("/proc", Long.toString(child.hostPid()));
        Files.writeString(proc.resolve("uid_map"), child.uid() + " " + own + " 1");
        Files.writeString(proc.resolve("gid_map"), child.gid() + " " + own + " 1");
    }

    /** The server's whole tree (init may have left helpers running): what the snapshot holds. */
    @Override
    public long countServerMemoryInChildren() {
        sharedBytes = ResidentMemory.ofTree(serverHostPid).orElse(0);
        return sharedBytes;
    }

    /** A child's memory limit: its size, less the server's memory for a SnapStart child, never below the floor. */
    private int memoryLimitMb(Limits limits) {
        long shared = limits.code() ? 0 : sharedBytes;
        if (shared == 0) {
            return limits.memoryMb();
        }
        long left = limits.memoryMb() - (shared + MIB - 1) / MIB;
        return (int) Math.min(limits.memoryMb(), Math.max(MIN_CHILD_MEMORY_MB, left));
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
        discardSpares();
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

    /**
     * A forked child as {@code /proc/<host pid>/status} shows it to the node: its host pid, and its real uid
     * and gid (the first field of {@code Uid:}/{@code Gid:}, in the node's user namespace).
     */
    record ProcStatus(long hostPid, long innermostPid, String uid, String gid) {
    }

    /**
     * Without credentials from the kernel (the JDK's channel):
     * the child's host pid (among the server's children, the one whose innermost pid is {@code childPid}),
     * with the ids from the same read of its status. The children list is scanned from its end without
     * splitting it: a server's list holds every live child (hundreds during a burst), and the newest is last.
     */
    private ProcStatus hostPidOf(int childPid) throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(serverHostPid), "task"))) {
            for (Path task : tasks) {
                byte[] children = Files.readAllBytes(task.resolve("children"));
                int end = children.length;
                while (end > 0) {
                    while (end > 0 && !isDigit(children[end - 1])) {
                        end--;
                    }
                    int start = end;
                    long pid = 0;
                    while (start > 0 && isDigit(children[start - 1])) {
                        start--;
                    }
                    if (start == end) {
                        break;
                    }
                    for (int i = start; i < end; i++) {
                        pid = pid * 10 + (children[i] - '0');
                    }
                    end = start;
                    Optional<ProcStatus> status = status(pid);
                    if (status.isPresent() && status.get().innermostPid() == childPid) {
                        return status.get();
                    }
                }
            }
        }
        throw new IOException("child " + childPid + " of the fork server (host pid " + serverHostPid + ") not found");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean nodeIsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The last pid of {@code NSpid} in {@code /proc/<pid>/status}: the process's pid in its own namespace. */
    static long innermostPid(long hostPid) {
        return status(hostPid).map(ProcStatus::innermostPid).orElse(-1L);
    }

    /**
     * {@code /proc/<pid>/status}'s {@code NSpid} (last field), {@code Uid} and {@code Gid} (first fields), read
     * as bytes in one go; empty if the process is gone or a line is missing.
     */
    static Optional<ProcStatus> status(long hostPid) {
        String text;
        try {
            text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(hostPid), "status")),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String nspid = field(text, "\nNSpid:");
        String uid = field(text, "\nUid:");
        String gid = field(text, "\nGid:");
        if (nspid == null || uid == null || gid == null) {
            return Optional.empty();
        }
        String[] pids = nspid.split("\t");
        try {
            long innermost = Long.parseLong(pids[pids.length - 1].trim());
            return Optional.of(new ProcStatus(hostPid, innermost, firstWord(uid), firstWord(gid)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The rest of the line that starts with {@code key} (which begins with a newline), trimmed; null if none. */
    private static String field(String text, String key) {
        int at = text.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int end = text.indexOf('\n', from);
        return text.substring(from, end < 0 ? text.length() : end).trim();
    }

    private static String firstWord(String fields) {
        int end = 0;
        while (end < fields.length() && !Character.isWhitespace(fields.charAt(end))) {
            end++;
        }
        return fields.substring(0, end);
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

    static String json(Map<String, String> environment) {
        StringBuilder out = new StringBuilder(4096).append('{');
        boolean first = true;
        // In the map's own order: the child applies the variables as a set, so sorting them first bought nothing.
        for (var e : environment.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, e.getKey()).append(':');
            quote(out, e.getValue());
        }
        return out.append('}').toString();
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
