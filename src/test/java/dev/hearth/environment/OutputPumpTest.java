package dev.hearth.environment;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reading a process's output into lines, and knowing when it has caught up. */
class OutputPumpTest {

    @Test
    void output_isSplitIntoLines_withoutLineEndings_andAnUnfinishedLastLineIsKept() {
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicBoolean finished = new AtomicBoolean();
        byte[] text = "one\r\ntwo\n\nünï\nlast without newline".getBytes(StandardCharsets.UTF_8);

        new OutputPump(new ByteArrayInputStream(text), lines::addAll, () -> finished.set(true)).run();

        assertThat(lines).containsExactly("one", "two", "", "ünï", "last without newline");
        assertThat(finished).isTrue();
    }

    @Test
    void aSyncMarker_runsItsCallbackAfterEarlierLines_andAPendingPartialLineBecomesALine() {
        List<String> events = new CopyOnWriteArrayList<>();
        String marker = OutputPump.MARKER_PREFIX + "t-1";
        byte[] text = ("before\npartial" + marker + "\nafter\n").getBytes(StandardCharsets.UTF_8);
        OutputPump pump = new OutputPump(new ByteArrayInputStream(text), events::addAll, () -> { });
        pump.expect(marker, () -> events.add("<marker reached>"));

        pump.run();

        assertThat(events).containsExactly("before", "partial", "<marker reached>", "after");
    }

    @Test
    void aLineThatOnlyLooksLikeAMarker_isOrdinaryOutput() {
        List<String> lines = new CopyOnWriteArrayList<>();
        String unknown = OutputPump.MARKER_PREFIX + "not-expected";
        OutputPump pump = new OutputPump(new ByteArrayInputStream((unknown + "\n").getBytes(StandardCharsets.UTF_8)),
                lines::addAll, () -> { });
        pump.expect(OutputPump.MARKER_PREFIX + "expected", () -> lines.add("<reached at end of stream>"));

        pump.run();

        assertThat(lines).containsExactly(unknown, "<reached at end of stream>");
    }

    @Test
    void aLineLongerThanTheLimit_isSplit() {
        List<String> lines = new CopyOnWriteArrayList<>();
        byte[] text = ("x".repeat(OutputPump.MAX_LINE_BYTES + 10) + "\n").getBytes(StandardCharsets.UTF_8);

        new OutputPump(new ByteArrayInputStream(text), lines::addAll, () -> { }).run();

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).hasSize(OutputPump.MAX_LINE_BYTES);
        assertThat(lines.get(1)).hasSize(10);
    }

    @Test
    void whenDrained_waitsWhileReadOutputIsStillBeingHandedOn() throws Exception {
        ChunkStream in = new ChunkStream();
        CountDownLatch release = new CountDownLatch(1);
        List<String> lines = new CopyOnWriteArrayList<>();
        OutputPump pump = new OutputPump(in, batch -> {
            awaitQuietly(release);
            lines.addAll(batch);
        }, () -> { });
        Thread reader = Thread.ofVirtual().start(pump);
        await().until(pump::drained);

        in.write("printed before the result\n".getBytes(StandardCharsets.UTF_8));
        await().until(() -> !pump.drained());
        AtomicBoolean sawLine = new AtomicBoolean();
        CountDownLatch fired = new CountDownLatch(1);
        pump.whenDrained(() -> {
            sawLine.set(lines.contains("printed before the result"));
            fired.countDown();
        });
        assertThat(fired.getCount()).isEqualTo(1);
        release.countDown();

        assertThat(fired.await(3, TimeUnit.SECONDS)).isTrue();
        assertThat(sawLine).isTrue();
        in.write(new byte[0]);
        reader.join(3000);
        assertThat(pump.drained()).isTrue();
    }

    @Test
    void whenDrained_waitsForOutputWrittenWhileThePumpStillSleepsInItsRead() throws Exception {
        ChunkStream in = ChunkStream.slowWaking();
        List<String> lines = new CopyOnWriteArrayList<>();
        OutputPump pump = new OutputPump(in, lines::addAll, () -> { });
        Thread reader = Thread.ofVirtual().start(pump);
        await().until(pump::drained);

        // The function prints, then posts its result; the pump's thread has not woken yet.
        in.write("printed before the result\n".getBytes(StandardCharsets.UTF_8));
        AtomicBoolean sawLine = new AtomicBoolean();
        CountDownLatch fired = new CountDownLatch(1);
        pump.whenDrained(() -> {
            sawLine.set(lines.contains("printed before the result"));
            fired.countDown();
        });
        assertThat(fired.getCount()).isEqualTo(1);
        in.wake.countDown();

        assertThat(fired.await(3, TimeUnit.SECONDS)).isTrue();
        assertThat(sawLine).isTrue();
        in.write(new byte[0]);
        reader.join(3000);
    }

    @Test
    void whenDrained_firesAtOnceWhenNothingIsPending() {
        OutputPump pump = new OutputPump(new ByteArrayInputStream(new byte[0]), batch -> { }, () -> { });
        pump.run();
        AtomicBoolean fired = new AtomicBoolean();

        pump.whenDrained(() -> fired.set(true));

        assertThat(fired).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A stream whose reads hand out written chunks, blocking in between; an empty chunk ends it. A read that
     * finds output waiting returns it only once {@code wake} is open (it is unless a test closes it first),
     * as a reader thread the kernel has not scheduled yet; {@code available} sees waiting output at once.
     */
    private static final class ChunkStream extends InputStream {
        final Queue<byte[]> pending = new ConcurrentLinkedQueue<>();
        final Semaphore written = new Semaphore(0);
        CountDownLatch wake = new CountDownLatch(0);

        static ChunkStream slowWaking() {
            ChunkStream stream = new ChunkStream();
            stream.wake = new CountDownLatch(1);
            return stream;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                written.acquire();
                byte[] chunk = pending.peek();
                if (chunk.length == 0) {
                    return -1;
                }
                wake.await();
                pending.remove();
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
        }

        void write(byte[] chunk) {
            pending.add(chunk);
            written.release();
        }

        @Override
        public int available() {
            byte[] next = pending.peek();
            return next == null ? 0 : next.length;
        }
    }
}
