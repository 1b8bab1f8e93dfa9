package dev.hearth.pool;

import dev.hearth.environment.Environment;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class LoopAffinityTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void take_onAnEventLoop_prefersAnEnvironmentOfThatLoop() throws Exception {
        Context loopA = onLoop(0);
        Context loopB = onLoop(1);
        LoopAffinity affinity = new LoopAffinity();
        Environment ofA = environment();
        Environment ofB = environment();
        affinity.remember(ofA, on(loopA, () -> CallerLoop.capture(vertx)));
        affinity.remember(ofB, on(loopB, () -> CallerLoop.capture(vertx)));
        Deque<Environment> stack = new ConcurrentLinkedDeque<>();
        stack.offerFirst(ofA);
        stack.offerFirst(ofB);

        assertThat(on(loopA, () -> affinity.take(stack, e -> e))).isSameAs(ofA);
        assertThat(stack).containsExactly(ofB);
    }

    @Test
    void take_offAnyLoopOrWithoutOneOfItsLoop_takesTheTop() throws Exception {
        Context loopA = onLoop(0);
        Context loopB = onLoop(1);
        LoopAffinity affinity = new LoopAffinity();
        Environment ofB = environment();
        Environment unknown = environment();
        affinity.remember(ofB, on(loopB, () -> CallerLoop.capture(vertx)));
        Deque<Environment> stack = new ConcurrentLinkedDeque<>();
        stack.offerFirst(unknown);
        stack.offerFirst(ofB);

        assertThat(on(loopA, () -> affinity.take(stack, e -> e))).isSameAs(ofB);
        assertThat(affinity.take(stack, e -> e)).isSameAs(unknown);
        assertThat(affinity.take(stack, e -> e)).isNull();
    }

    private Context onLoop(int index) {
        VertxInternal internal = (VertxInternal) vertx;
        io.netty.channel.EventLoop loop = (io.netty.channel.EventLoop) java.util.stream.StreamSupport
                .stream(internal.nettyEventLoopGroup().spliterator(), false).skip(index).findFirst().orElseThrow();
        return internal.contextBuilder().withEventLoop(loop).build();
    }

    private static <T> T on(Context context, Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(task.get()));
        return result.get(5, TimeUnit.SECONDS);
    }

    private static Environment environment() {
        return (Environment) Proxy.newProxyInstance(Environment.class.getClassLoader(),
                new Class<?>[]{Environment.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "environment " + System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
