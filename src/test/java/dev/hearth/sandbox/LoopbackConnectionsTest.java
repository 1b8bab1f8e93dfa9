package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackConnectionsTest {

    @Test
    void heldByTree_isTrueForTheProcessHoldingTheClientEnd() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {

            assertThat(LoopbackConnections.heldByTree(ProcessHandle.current().pid(), client.getLocalPort(),
                    server.getLocalPort())).isTrue();
            assertThat(accepted.isConnected()).isTrue();
        }
    }

    @Test
    void heldByTree_isFalseForAnotherProcessTree() throws IOException, InterruptedException {
        Process other = new ProcessBuilder("sleep", "30").start();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket ignored = server.accept()) {

            assertThat(LoopbackConnections.heldByTree(other.pid(), client.getLocalPort(), server.getLocalPort()))
                    .isFalse();
        } finally {
            other.destroyForcibly();
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void heldByTree_remembersTheDescriptorThatHeldTheConnection_andStillFindsAnotherOne() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
             Socket first = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket firstAccepted = server.accept();
             Socket second = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket secondAccepted = server.accept()) {
            long self = ProcessHandle.current().pid();

            assertThat(LoopbackConnections.heldByTree(self, first.getLocalPort(), server.getLocalPort())).isTrue();
            int firstFd = LoopbackConnections.recentDescriptors()[0];
            // The hint names the first connection's descriptor; the second is found by the listing all the same.
            assertThat(LoopbackConnections.heldByTree(self, second.getLocalPort(), server.getLocalPort())).isTrue();
            int secondFd = LoopbackConnections.recentDescriptors()[0];

            assertThat(secondFd).isNotEqualTo(firstFd);
            assertThat(LoopbackConnections.recentDescriptors()).startsWith(secondFd, firstFd);
            assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + secondFd)).toString()).startsWith("socket:[");
            assertThat(firstAccepted.isConnected() && secondAccepted.isConnected()).isTrue();
        }
    }

    @Test
    void heldByTree_withAHintFromThisProcess_isStillFalseForAnotherProcessTree() throws IOException, InterruptedException {
        Process other = new ProcessBuilder("sleep", "30").start();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket ignored = server.accept()) {
            assertThat(LoopbackConnections.heldByTree(ProcessHandle.current().pid(), client.getLocalPort(),
                    server.getLocalPort())).isTrue();

            assertThat(LoopbackConnections.heldByTree(other.pid(), client.getLocalPort(), server.getLocalPort()))
                    .isFalse();
        } finally {
            other.destroyForcibly();
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void heldByTree_isFalseWhenNoSuchConnectionExists() {
        assertThat(LoopbackConnections.heldByTree(ProcessHandle.current().pid(), 1, 2)).isFalse();
    }

    @Test
    void match_readsTheInodeOfAnIpv4LoopbackRow() {
        String row = "   3: 0100007F:A1B2 0100007F:0BB9 01 00000000:00000000 00:00000000 00000000   993        0 123456 1";

        assertThat(LoopbackConnections.match(row, ":A1B2", ":0BB9")).hasValue(123456);
        assertThat(LoopbackConnections.match(row, ":A1B3", ":0BB9")).isEmpty();
    }

    @Test
    void match_ignoresConnectionsOffTheLoopbackInterface() {
        String row = "   3: 0A00020F:A1B2 0100007F:0BB9 01 00000000:00000000 00:00000000 00000000   993        0 123456 1";

        assertThat(LoopbackConnections.match(row, ":A1B2", ":0BB9")).isEmpty();
    }
}
