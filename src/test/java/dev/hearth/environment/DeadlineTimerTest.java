package dev.hearth.environment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static dev.hearth.environment.Harness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one deadline timer per environment ({@link DeadlineTimer}): left running after a quick invocation,
 * it must still time out each later invocation at that invocation's own deadline, never at an earlier
 * invocation's, and not fire on an invocation that ended in time.
 */
class DeadlineTimerTest {

    @TempDir
    Path dir;
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aLaterInvocation_timesOutAtItsOwnDeadline_notAtTheDeadlineArmedForAnEarlierOne() throws Exception {
        CountDownLatch secondArrived = new CountDownLatch(1);
        Environment env = h.start(h.spec().timeoutSeconds(1), rt -> {
            FakeRuntime.Event first = rt.next();
            rt.respond(first.requestId(), "{}");
            rt.next();
            secondArrived.countDown();
            rt.hang();
        });
        await(env.initialized());
        Invocation first = env.invoke(h.request("{}", Duration.ofMillis(400)));
        await(first.report());
        // The timer armed for the first deadline is still pending; the second deadline is 400 ms after it.
        long secondSent = System.nanoTime();
        Invocation second = env.invoke(h.request("{}", Duration.ofMillis(800)));
        secondArrived.await();

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(second.outcome());
        long elapsedMillis = (System.nanoTime() - secondSent) / 1_000_000;

        assertThat(failure.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(elapsedMillis).isBetween(790L, 1500L);
        assertThat(env.isStopped()).isTrue();
    }

    @Test
    void invocationsThatEndInTime_areNeverTimedOut_whenTheTimerFiresBetweenThem() {
        Environment env = h.start(h.spec().timeoutSeconds(1), rt -> {
            while (true) {
                FakeRuntime.Event e = rt.next();
                rt.respond(e.requestId(), e.text());
            }
        });
        await(env.initialized());
        // Deadlines a few hundred ms away (not tighter: a loaded CI machine can take 100 ms for one hop) and
        // a loop well past the first one, so that the timer armed for it fires while later ones run.
        InvokeReport firstReport = await(env.invoke(h.request("{}", Duration.ofMillis(300))).report());
        assertThat(firstReport.reusable()).isTrue();
        long until = System.nanoTime() + Duration.ofMillis(900).toNanos();
        int count = 1;
        while (System.nanoTime() < until || count < 3) {
            InvokeReport report = await(env.invoke(h.request("{}", Duration.ofMillis(300))).report());
            assertThat(report.reusable()).isTrue();
            count++;
        }

        assertThat(env.isIdle()).isTrue();
        assertThat(env.isStopped()).isFalse();
    }
}
