package dev.hearth.os;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketDiagTest {

    @Test
    void loopbackClientInode_isTheInodeProcListsForThatConnection() throws Exception {
        assumeTrue(Linux.nativeProcesses(), "no native access here");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                OptionalLong inode = SocketDiag.loopbackClientInode(client.getLocalPort(), server.getLocalPort());

                assertThat(inode).isPresent();
                assertThat(inode.getAsLong()).isEqualTo(procInode(client.getLocalPort(), server.getLocalPort()));
                // The server's end is another socket: asking the other way round names that one.
                OptionalLong reverse = SocketDiag.loopbackClientInode(server.getLocalPort(), client.getLocalPort());
                assertThat(reverse).isPresent().isNotEqualTo(inode);
            }
        }
    }

    @Test
    void loopbackClientInode_ofNoSuchConnection_isEmpty() throws Exception {
        assumeTrue(Linux.nativeProcesses(), "no native access here");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(SocketDiag.loopbackClientInode(1, server.getLocalPort())).isEmpty();
        }
    }

    /** The same connection's client inode, searched for in /proc/net/tcp as the fallback does. */
    private static long procInode(int clientPort, int serverPort) throws Exception {
        String local = String.format(Locale.ROOT, ":%04X ", clientPort);
        String remote = String.format(Locale.ROOT, ":%04X ", serverPort);
        // The JDK's sockets are IPv6 ones with IPv4-mapped addresses: they are listed in tcp6.
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String row : Files.readAllLines(Path.of(table))) {
                String[] f = row.trim().split("\\s+");
                if ((f[1] + " ").endsWith(local) && (f[2] + " ").endsWith(remote)) {
                    return Long.parseLong(f[9]);
                }
            }
        }
        throw new AssertionError("connection not in /proc/net/tcp");
    }
}
