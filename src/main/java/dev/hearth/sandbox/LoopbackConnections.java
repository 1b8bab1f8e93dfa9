package dev.hearth.sandbox;

import dev.hearth.os.SocketDiag;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    private static boolean holds(long pid, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (link.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while we looked
                } catch (IOException e) {
                    // unreadable descriptor: not ours to judge
                }
            }
        } catch (IOException e) {
            return false; // the process exited
        }
        return false;
    }
}
