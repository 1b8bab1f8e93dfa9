package dev.hearth.sandbox;

import dev.hearth.os.SocketDiag;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Finds which process holds the client end of a loopback TCP connection: the socket's inode (from the
 * kernel's socket diagnostics, or {@code /proc/net/tcp[6]}), then the process whose {@code /proc/<pid>/fd} links to
 * it. Sandboxes share the host's network, so this is how a Runtime API endpoint knows that a connection
 * comes from its own sandbox and not from another function probing 127.0.0.1.
 *
 * <p>Threading: blocking file reads (a few hundred microseconds); call from virtual threads.
 */
public final class LoopbackConnections {

    private static final Path PROC = Path.of("/proc");
    /** A connection is in /proc/net/tcp once the kernel accepted it; the client may still be racing. */
    private static final int ATTEMPTS = 3;

    private LoopbackConnections() {
    }

    /**
     * Whether the client end of the connection {@code clientPort → serverPort} on the loopback interface
     * is held by {@code rootPid} or one of its descendants.
     */
    public static boolean heldByTree(long rootPid, int clientPort, int serverPort) {
        List<Long> pids = new ArrayList<>();
        pids.add(rootPid);
        ProcessHandle.of(rootPid).ifPresent(root -> root.descendants().forEach(p -> pids.add(p.pid())));
        return heldByAny(pids, clientPort, serverPort);
    }

    /**
     * Whether the client end of the connection {@code clientPort → serverPort} on the loopback interface is
     * held by one of {@code pids} (looked at in that order).
     */
    public static boolean heldByAny(List<Long> pids, int clientPort, int serverPort) {
        OptionalLong inode = OptionalLong.empty();
        for (int i = 0; i < ATTEMPTS && inode.isEmpty(); i++) {
            inode = clientInode(clientPort, serverPort);
        }
        if (inode.isEmpty()) {
            return false;
        }
        String link = "socket:[" + inode.getAsLong() + "]";
        for (long pid : pids) {
            if (holds(pid, link)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The inode of the socket whose local port is {@code clientPort} and remote port {@code serverPort}: asked
     * of the kernel for that one connection when it can be ({@link SocketDiag}, microseconds), otherwise
     * searched for in {@code /proc/net/tcp[6]}, which lists every TCP socket of the machine (milliseconds).
     */
    static OptionalLong clientInode(int clientPort, int serverPort) {
        OptionalLong asked = SocketDiag.loopbackClientInode(clientPort, serverPort);
        return asked.isPresent() ? asked : procClientInode(clientPort, serverPort);
    }

    /** {@link #clientInode} from {@code /proc/net/tcp[6]}. */
    static OptionalLong procClientInode(int clientPort, int serverPort) {
        String local = ":" + hexPort(clientPort);
        String remote = ":" + hexPort(serverPort);
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try {
                for (String line : Files.readAllLines(PROC.resolve(table))) {
                    // Most rows are other connections: a substring test is far cheaper than splitting each.
                    if (!line.contains(local + " ") || !line.contains(remote + " ")) {
                        continue;
                    }
                    OptionalLong inode = match(line, local, remote);
                    if (inode.isPresent()) {
                        return inode;
                    }
                }
            } catch (IOException e) {
                // no IPv6 table on this machine, or /proc unreadable: nothing to find there
            }
        }
        return OptionalLong.empty();
    }

    /** Parses one /proc/net/tcp row: {@code sl local rem st tx:rx tr:tm retrnsmt uid timeout inode ...}. */
    static OptionalLong match(String line, String localPortSuffix, String remotePortSuffix) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[1].endsWith(localPortSuffix) || !f[2].endsWith(remotePortSuffix)
                || !isLoopback(f[1]) || !isLoopback(f[2])) {
            return OptionalLong.empty();
        }
        try {
            long inode = Long.parseLong(f[9]);
            return inode == 0 ? OptionalLong.empty() : OptionalLong.of(inode);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** 127.0.0.0/8 in /proc's little-endian hex, in the IPv4 or the IPv4-mapped IPv6 table. */
    private static boolean isLoopback(String address) {
        String host = address.substring(0, address.indexOf(':'));
        String v4 = host.length() == 32 && host.startsWith("0000000000000000FFFF0000") ? host.substring(24) : host;
        return v4.length() == 8 && v4.endsWith("7F") || "00000000000000000000000001000000".equals(host);
    }

    private static String hexPort(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }

    /**
     * The descriptor numbers that held the connection in recent answers, latest first, at most
     * {@link #HINTS}. A runtime opens the same files in the same order at every start, so its Runtime API
     * connection gets the same number each time: one {@code readlink} of that number usually settles the
     * question, where the listing reads every descriptor the process has (0.25 of a 0.7 ms check, on the
     * cold start's path when the runtime's first request comes before the verdict). Only an order to look
     * in: a number that links elsewhere is passed over and the listing follows, so the answer is the same.
     * Replaced whole (copy on write); an update lost between two threads costs one listing, nothing else.
     */
    private static volatile int[] recentFds = new int[0];
    private static final int HINTS = 4;

    private static boolean holds(long pid, String link) {
        Path dir = PROC.resolve(Long.toString(pid)).resolve("fd");
        for (int hint : recentFds) {
            if (linksTo(dir.resolve(Integer.toString(hint)), link)) {
                remember(hint);
                return true;
            }
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir)) {
            for (Path fd : fds) {
                if (linksTo(fd, link)) {
                    remember(Integer.parseInt(fd.getFileName().toString()));
                    return true;
                }
            }
        } catch (IOException e) {
            return false; // the process exited
        }
        return false;
    }

    private static boolean linksTo(Path fd, String link) {
        try {
            return link.equals(Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
            return false; // no such descriptor (closed meanwhile), or unreadable: not ours to judge
        }
    }

    /** Puts {@code fd} first among {@link #recentFds}. */
    private static void remember(int fd) {
        int[] hints = recentFds;
        if (hints.length > 0 && hints[0] == fd) {
            return;
        }
        int[] next = new int[Math.min(HINTS, hints.length + 1)];
        next[0] = fd;
        for (int i = 0, j = 1; i < hints.length && j < next.length; i++) {
            if (hints[i] != fd) {
                next[j++] = hints[i];
            }
        }
        recentFds = next;
    }

    /** The hinted descriptor numbers, latest first (for tests). */
    static int[] recentDescriptors() {
        return recentFds.clone();
    }
}
