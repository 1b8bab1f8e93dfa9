package dev.hearth.bench;

import java.time.Duration;

/**
 * How much to measure. {@link #full} keeps a run to a few minutes on a 2-core machine; {@link #quick} is a
 * smoke run (under a minute) whose figures are noisier.
 *
 * @param repetitions        repetitions of each warm measurement (figure and baseline alternate)
 * @param warmUpInvokes      untimed requests before the warm latency loops (JIT, connections, environment)
 * @param invokesPerRep      timed requests per warm latency repetition
 * @param clients            concurrent clients of the throughput row
 * @param throughputWindow   how long each throughput repetition runs
 * @param throughputWarmUp   untimed load before the throughput repetitions (scale-up to {@code clients})
 * @param coldRepetitions    cold starts per runtime (and launches per baseline)
 * @param coldWarmUps        untimed rounds of the cold-start row before its repetitions, both sides alike
 * @param memoryMb           MemorySize of the benchmark functions, and the memory (hence CPU share) of
 *                           the in-sandbox baselines
 * @param createRepetitions  timed CreateFunction calls with a 1 MB zip
 * @param controlPlaneFunctions functions that exist while GetFunction and ListFunctions are timed
 * @param controlPlaneReads  timed requests per control-plane read repetition
 * @param burstEnvironments  environments started at once by the creation-rate row, left idle for density
 */
record Plan(int repetitions, int warmUpInvokes, int invokesPerRep, int clients, Duration throughputWindow,
            Duration throughputWarmUp, int coldRepetitions, int coldWarmUps, int memoryMb, int createRepetitions,
            int controlPlaneFunctions, int controlPlaneReads, int burstEnvironments) {

    static Plan full(int memoryMb) {
        return new Plan(5, 2000, 2000, 16, Duration.ofSeconds(5), Duration.ofSeconds(3), 15, 12, memoryMb, 20, 1000, 500,
                500);
    }

    static Plan quick(int memoryMb) {
        return new Plan(3, 300, 300, 16, Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 1, memoryMb, 5, 200, 100, 50);
    }
}
