package dev.hearth.invoke;

import dev.hearth.core.Arns;
import dev.hearth.core.LambdaException;
import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.environment.Invocation;
import dev.hearth.environment.InvokeOutcome;
import dev.hearth.environment.InvokeReport;
import dev.hearth.environment.InvokeRequest;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.pool.Lease;
import dev.hearth.pool.PoolKey;
import dev.hearth.registry.FunctionConfig;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.registry.ConcurrencySettings;
import dev.hearth.registry.Phase;
import dev.hearth.registry.ResolvedFunction;
import dev.hearth.store.CodeStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The invocation router. The warm path is: resolve from memory, check the payload, pop an idle
 * environment, hand it the event — no store, no disk, no thread hop. A cold start adds one hop to the
 * blocking executor to prepare the environment's spec (unpacked code) and start it.
 *
 * <p>The concurrency gate sits before the lease: an idle provisioned environment of the version is taken
 * first, then {@link ConcurrencyCounters} admits the invocation or throws AWS's 429; the permit is
 * released exactly once, when the invocation's environment goes back to the pool (or when no
 * environment could be had).
 */
final class DefaultInvocationRouter implements InvocationRouter {

    private static final String FUNCTION_ERROR = "Unhandled";
    private static final byte[] NO_BODY = new byte[0];

    private final FunctionDirectory directory;
    private final EnvironmentPool pool;
    private final CodeStore code;
    private final Arns arns;
    private final Clock clock;
    private final ConcurrencyCounters counters;

    DefaultInvocationRouter(FunctionDirectory directory, EnvironmentPool pool, CodeStore code, Arns arns, Clock clock,
                            ConcurrencySettings concurrency) {
        this.counters = new ConcurrencyCounters(concurrency);
        this.directory = directory;
        this.arns = arns;
        this.pool = pool;
        this.code = code;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<InvocationResult> invoke(InvocationCall call) {
        ResolvedFunction resolved = directory.resolve(call.functionName(), call.qualifier());
        FunctionVersion version = resolved.version();
        if (call.type() == InvocationType.EVENT) {
            // Event invocations are queued durably by dev.hearth.async, whose dispatcher calls back here with
            // RequestResponse; the router itself only runs invocations.
            throw LambdaException.invalidParameter("An Event invocation goes through the asynchronous"
                    + " invocation queue, not straight to the invocation router.");
        }
        checkRunnable(version);
        if (call.type() == InvocationType.DRY_RUN) {
            return CompletableFuture.completedFuture(new InvocationResult(204, version.version(), Optional.empty(),
                    NO_BODY, "application/json", Optional.empty()));
        }
        byte[] payload = PayloadCheck.checked(call.payload());
        PoolKey key = keyOf(version);
        Optional<Lease> provisioned = pool.leaseProvisioned(key);
        // A provisioned environment that has just answered is waited for rather than spilled past: its runtime
        // asks for the next event within moments, and an on-demand cold start would take far longer.
        Optional<CompletableFuture<Optional<Lease>>> finishing = provisioned.isPresent()
                ? Optional.empty() : pool.claimFinishingProvisioned(key);
        ConcurrencyCounters.Permit permit;
        try {
            permit = counters.acquire(version.functionName(), provisioned.isPresent() || finishing.isPresent());
        } catch (LambdaException throttled) {
            provisioned.ifPresent(pool::release);
            finishing.ifPresent(claim -> claim.thenAccept(l -> l.ifPresent(pool::release)));
            throw throttled;
        }
        CompletableFuture<Lease> lease;
        try {
            Supplier<CompletableFuture<Lease>> onDemand =
                    () -> pool.lease(key, version.config().memorySize(), () -> spec(version, ON_DEMAND));
            lease = provisioned.map(CompletableFuture::completedFuture)
                    .or(() -> finishing.map(claim -> claim.thenCompose(l -> l.map(CompletableFuture::completedFuture)
                            .orElseGet(onDemand))))
                    .orElseGet(onDemand);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
        return lease.thenCompose(l -> run(l, call, payload, resolved, false, permit))
                .whenComplete((result, error) -> {
                    if (error != null) {
                        permit.release();
                    }
                });
    }

    static final String ON_DEMAND = "on-demand";
    static final String PROVISIONED = "provisioned-concurrency";
    static final String SNAP_START = "snap-start";

    static PoolKey keyOf(FunctionVersion version) {
        return new PoolKey(version.functionName(), version.version(), version.revisionId());
    }

    /**
     * Hands the event to the leased environment. A cold environment is first let finish its init, so
     * that — as on AWS — the function's timeout starts with the invocation, not with the process; an
     * environment whose init failed still takes the invocation and answers it with the init error.
     */
    private CompletableFuture<InvocationResult> run(Lease lease, InvocationCall call, byte[] payload,
                                                    ResolvedFunction resolved, boolean retried,
                                                    ConcurrencyCounters.Permit permit) {
        if (!lease.cold()) {
            return handOver(lease, call, payload, resolved, retried, permit);
        }
        return lease.environment().initialized()
                .handle((ready, initFailure) -> lease)
                .thenCompose(l -> handOver(l, call, payload, resolved, retried, permit));
    }

    private CompletableFuture<InvocationResult> handOver(Lease lease, InvocationCall call, byte[] payload,
                                                         ResolvedFunction resolved, boolean retried,
                                                         ConcurrencyCounters.Permit permit) {
        FunctionVersion version = resolved.version();
        long deadline = clock.millis() + version.config().timeout() * 1000L;
        InvokeRequest request = new InvokeRequest(call.requestId(), payload, resolved.invokedArn(), deadline,
                call.clientContext(), Optional.empty(), call.traceId());
        Invocation invocation;
        try {
            invocation = lease.environment().invoke(request);
        } catch (IllegalStateException died) {
            // The environment stopped between the lease and the hand-over (crashed, reaped, retired).
            // Nothing reached the function yet, so one retry on a fresh lease is safe.
            if (retried) {
                return CompletableFuture.failedFuture(LambdaException.service("No execution environment of "
                        + version.functionName() + " could take the invocation: " + died.getMessage(), died));
            }
            return pool.lease(lease.key(), version.config().memorySize(), () -> spec(version, ON_DEMAND))
                    .thenCompose(next -> run(next, call, payload, resolved, true, permit));
        }
        CompletableFuture<Boolean> finished = invocation.report().handle((report, error) -> error == null && report.reusable());
        // The caller is answered from the future whenComplete returns, i.e. only after the pool knows the
        // environment is finishing. Chained on the outcome itself, the answer could go out first (a
        // CompletableFuture runs its dependents last-registered first), and a client's next request could
        // find no environment, idle or finishing, and start a needless cold one.
        CompletableFuture<InvokeOutcome> released = invocation.outcome()
                .whenComplete((outcome, error) -> {
                    pool.releaseWhenFinished(lease, finished);
                    permit.release();
                });
        if (!call.tailLog()) {
            return released.thenApply(outcome -> result(outcome, version, Optional.empty()));
        }
        return released.thenCombine(invocation.report(),
                (outcome, report) -> result(outcome, version, Optional.of(tail(report))));
    }

    private static InvocationResult result(InvokeOutcome outcome, FunctionVersion version, Optional<String> logResult) {
        return switch (outcome) {
            case InvokeOutcome.Success s -> new InvocationResult(200, version.version(), Optional.empty(), s.body(),
                    s.contentType(), logResult);
            case InvokeOutcome.Failure f -> new InvocationResult(200, version.version(), Optional.of(FUNCTION_ERROR),
                    f.body(), "application/json", logResult);
        };
    }

    private static String tail(InvokeReport report) {
        byte[] bytes = report.logTail().getBytes(StandardCharsets.UTF_8);
        int from = Math.max(0, bytes.length - 4096);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** AWS refuses invocations of functions that are not Active. */
    private static void checkRunnable(FunctionVersion version) {
        Phase phase = version.phase();
        if (phase == Phase.CREATING || phase == Phase.CREATE_FAILED) {
            throw LambdaException.conflict("The operation cannot be performed at this time. The function is"
                    + " currently in the following state: " + phase.state());
        }
    }

    /** The function's layers merged for {@code /opt}, built on the first cold start that needs them; blocking. */
    private Optional<Path> optDir(FunctionVersion version) {
        try {
            return code.layerStacks().optDir(version.config().layers().stream()
                    .map(FunctionConfig.LayerRef::codeSha256Hex).toList());
        } catch (IOException e) {
            throw LambdaException.service("Cannot unpack the layers of " + version.functionName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The environment spec of a function version; blocking (unpacks code the first time). */
    EnvironmentSpec spec(FunctionVersion version, String initializationType) {
        FunctionConfig c = version.config();
        Path taskDir;
        try {
            taskDir = code.unpack(version.code().sha256Hex());
        } catch (IOException e) {
            throw LambdaException.service("Cannot unpack the code of " + version.functionName() + ": " + e.getMessage(), e);
        }
        String arn = arns.function(version.functionName());
        // A SnapStart version's environments are restored from its snapshot, on demand as well.
        String type = ON_DEMAND.equals(initializationType) && dev.hearth.registry.SnapshotGate.appliesTo(version)
                ? SNAP_START : initializationType;
        return new EnvironmentSpec(version.functionName(), arn, version.version(), c.runtime().orElse(""),
                c.handler().orElse(""), c.memorySize(), c.timeout(), c.ephemeralStorage(), c.architectures(),
                c.environment().orElse(Map.of()), taskDir, optDir(version), c.logging().logGroup(),
                c.logging().logFormat(), c.logging().applicationLogLevel(), c.logging().systemLogLevel(),
                type);
    }
}
