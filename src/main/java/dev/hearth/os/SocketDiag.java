package dev.hearth.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Looks up one loopback TCP connection in the kernel by its ports, through the {@code NETLINK_SOCK_DIAG}
 * interface that {@code ss} uses: one request naming the exact connection, one answer with its socket
 * inode. The alternative, reading {@code /proc/net/tcp}, makes the kernel format every TCP socket of the
 * machine (a few milliseconds on a busy node) and sits on every cold start's Runtime API peer check.
 *
 * <p>Only IPv4 loopback connections from {@code 127.0.0.1} are asked for: that is how every runtime Hearth
 * starts reaches its endpoint ({@code AWS_LAMBDA_RUNTIME_API=127.0.0.1:port}); anything else is answered
 * "not found" and the caller falls back to {@code /proc}.
 *
 * <p>Threading: stateless; each call opens and closes its own netlink socket. Blocking for microseconds.
 */
public final class SocketDiag {
    private static final int AF_NETLINK = 16, NETLINK_SOCK_DIAG = 4, SOCK_DGRAM = 2;
    private static final int AF_INET = 2, IPPROTO_TCP = 6;
    private static final short SOCK_DIAG_BY_FAMILY = 20, NLM_F_REQUEST = 1, NLMSG_ERROR = 2;
    /** {@code struct nlmsghdr} (16 bytes) + {@code struct inet_diag_req_v2} (56 bytes). */
    private static final int REQUEST_SIZE = 16 + 56;
    /** {@code struct inet_diag_msg} after the header: family, state, timer, retrans, id (48), expires, rqueue, wqueue, uid, inode. */
    private static final int INODE_OFFSET = 16 + 4 + 48 + 16;
    private static final int LOOPBACK = 0x7f000001;
    /** Every TCP state: a connection being accepted may not be ESTABLISHED yet on the client's side. */
    private static final int ALL_STATES = -1;

    private SocketDiag() {
    }

    /**
     * The inode of the client end of the TCP connection {@code 127.0.0.1:clientPort → 127.0.0.1:serverPort},
     * or empty when the kernel knows no such connection or cannot be asked (no native access, netlink
     * refused).
     */
    public static OptionalLong loopbackClientInode(int clientPort, int serverPort) {
        if (!Linux.nativeProcesses()) {
            return OptionalLong.empty();
        }
        int fd = Syscalls.socket(AF_NETLINK, SOCK_DGRAM | Syscalls.SOCK_CLOEXEC | Syscalls.O_NONBLOCK, NETLINK_SOCK_DIAG);
        if (fd < 0) {
            return OptionalLong.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(REQUEST_SIZE, 4)
                    .copyFrom(MemorySegment.ofArray(request(clientPort, serverPort)));
            if (Syscalls.write(fd, request, REQUEST_SIZE) != REQUEST_SIZE) {
                return OptionalLong.empty();
            }
            byte[] answer = new byte[8192];
            long n = Syscalls.readNow(fd, answer, 0, answer.length);
            if (n == -Syscalls.EAGAIN && Syscalls.pollIn(fd, 50) > 0) {
                n = Syscalls.readNow(fd, answer, 0, answer.length);
            }
            return inode(answer, n);
        } finally {
            Syscalls.close(fd);
        }
    }

    /**
     * The request, laid out once by {@link #template}; each call patches in its two ports with plain array
     * stores. This runs once per cold start, so it runs interpreted, where each typed segment access costs
     * microseconds (laying the request out per call and reading the answer through them: 114 against 63 us
     * per lookup, {@code -Xint}).
     */
    private static final byte[] TEMPLATE = template();

    /** {@link #TEMPLATE} for the connection {@code clientPort → serverPort}: ports in network byte order. */
    private static byte[] request(int clientPort, int serverPort) {
        byte[] request = TEMPLATE.clone();
        request[24] = (byte) (clientPort >>> 8);
        request[25] = (byte) clientPort;
        request[26] = (byte) (serverPort >>> 8);
        request[27] = (byte) serverPort;
        return request;
    }

    /** The request with both ports 0 ({@code idiag_sport} at 24, {@code idiag_dport} at 26): see {@link #request}. */
    private static byte[] template() {
        try (Arena arena = Arena.ofConfined()) {
            return template(arena.allocate(REQUEST_SIZE, 4)).toArray(JAVA_BYTE);
        }
    }

    private static MemorySegment template(MemorySegment m) {
        m.set(JAVA_INT, 0, REQUEST_SIZE);                    // nlmsg_len
        m.set(JAVA_SHORT, 4, SOCK_DIAG_BY_FAMILY);           // nlmsg_type
        m.set(JAVA_SHORT, 6, NLM_F_REQUEST);                 // nlmsg_flags: one exact socket, no dump
        m.set(JAVA_BYTE, 16, (byte) AF_INET);                // sdiag_family
        m.set(JAVA_BYTE, 17, (byte) IPPROTO_TCP);            // sdiag_protocol
        m.set(JAVA_INT, 20, ALL_STATES);                     // idiag_states
        // inet_diag_sockid at 24: ports (set per request) and addresses in network byte order, as the kernel keeps them.
        m.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 28, LOOPBACK);  // idiag_src[0]
        m.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 44, LOOPBACK);  // idiag_dst[0]
        m.set(JAVA_INT, 64, -1);                             // idiag_cookie: INET_DIAG_NOCOOKIE
        m.set(JAVA_INT, 68, -1);
        return m;
    }

    /** The inode from the answer, read in native byte order (little-endian: x86-64 and aarch64, where Hearth runs). */
    private static OptionalLong inode(byte[] answer, long length) {
        if (length < 16 || littleEndianShort(answer, 4) == NLMSG_ERROR || length < INODE_OFFSET + 4) {
            return OptionalLong.empty(); // an error message: ENOENT when there is no such connection
        }
        long inode = littleEndianShort(answer, INODE_OFFSET) | (long) littleEndianShort(answer, INODE_OFFSET + 2) << 16;
        return inode == 0 ? OptionalLong.empty() : OptionalLong.of(inode);
    }

    private static int littleEndianShort(byte[] bytes, int at) {
        return bytes[at] & 0xff | (bytes[at + 1] & 0xff) << 8;
    }
}
