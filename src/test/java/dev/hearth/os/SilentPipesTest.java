package dev.hearth.os;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** The in-process runtime's output pipes: empty while open, ended (and their watchers told) once closed. */
class SilentPipesTest {

    private Poller poller;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Linux.unavailable()).as("native processes on this machine").isEmpty();
        poller = Poller.start("test-poller");
    }

    @AfterEach
    void tearDown() {
        if (poller != null) {
            poller.close();
        }
    }

    @Test
    void pipes_whileOpen_readNothingAndNotEnded() throws Exception {
        try (SilentPipes silent = SilentPipes.open(poller);
             OutputPipe out = silent.pipes().stdout();
             OutputPipe err = silent.pipes().stderr()) {
            byte[] into = new byte[64];

            assertThat(out.read(into)).isZero();
            assertThat(err.read(into)).isZero();
        }
    }

    @Test
    void close_endsBothPipes_andWakesTheirWatchers() throws Exception {
        SilentPipes silent = SilentPipes.open(poller);
        AtomicBoolean outWoken = new AtomicBoolean();
        AtomicBoolean errWoken = new AtomicBoolean();
        silent.pipes().stdout().watch(() -> outWoken.set(true));
        silent.pipes().stderr().watch(() -> errWoken.set(true));

        silent.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> outWoken.get() && errWoken.get());
        byte[] into = new byte[64];
        assertThat(silent.pipes().stdout().read(into)).isEqualTo(-1);
        assertThat(silent.pipes().stderr().read(into)).isEqualTo(-1);
        silent.pipes().stdout().close();
        silent.pipes().stderr().close();
    }
}
