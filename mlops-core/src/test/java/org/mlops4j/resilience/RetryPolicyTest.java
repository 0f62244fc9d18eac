package org.mlops4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mlops4j.ManualClock;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.ServiceError;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.common.StorageException;

class RetryPolicyTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final List<Duration> waits = new ArrayList<>();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

    private RetryPolicy policy() {
        return RetryPolicy.custom()
                .maxAttempts(4)
                .clock(clock)
                .sleeper(d -> {
                    waits.add(d);
                    clock.advance(d);
                })
                .retryRegistry(retries)
                .circuitBreakerRegistry(breakers)
                .build();
    }

    /** Fails with the given failures in turn, then answers "ok". */
    private static Supplier<String> failing(AtomicInteger calls, RuntimeException... failures) {
        return () -> {
            int n = calls.getAndIncrement();
            if (n < failures.length) {
                throw failures[n];
            }
            return "ok";
        };
    }

    private static ServiceUnavailableException unavailable(int status, Duration retryAfter) {
        return new ServiceUnavailableException(
                "busy", new ServiceError("test", status, "Busy", "req-1", null, retryAfter), null);
    }

    @Test
    void shouldRetryAnIdempotentCallOnTransientFailuresUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        StorageException dropped = StorageException.of("read k", new SocketTimeoutException("timed out"));

        String answer = policy().executeIdempotent(
                        "test", "get", failing(calls, dropped, unavailable(503, null), unavailable(502, null)));

        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(waits).hasSize(3);
        assertThat(retries.retry("mlops.test.get").getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt())
                .isEqualTo(1);
    }

    @Test
    void shouldWaitAtLeastWhatRetryAfterAsksFor() {
        AtomicInteger calls = new AtomicInteger();

        var unused = policy().executeIdempotent("test", "get", failing(calls, unavailable(429, Duration.ofSeconds(7))));

        assertThat(waits).singleElement().satisfies(w -> assertThat(w).isGreaterThanOrEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void shouldNotWaitInsideTheCallForARetryAfterLongerThanTheLimit() {
        AtomicInteger calls = new AtomicInteger();
        ServiceUnavailableException slow = unavailable(503, Duration.ofMinutes(10));

        assertThatThrownBy(() -> policy().executeIdempotent("test", "get", failing(calls, slow)))
                .isSameAs(slow)
                .satisfies(e ->
                        assertThat(((MlopsServiceException) e).getRetryAfter()).contains(Duration.ofMinutes(10)));
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldBackOffExponentiallyWithJitterWithinTheLimits() {
        AtomicInteger calls = new AtomicInteger();
        RuntimeException busy = unavailable(503, null);

        assertThatThrownBy(() -> policy().executeIdempotent("test", "get", failing(calls, busy, busy, busy, busy)))
                .isSameAs(busy);

        assertThat(calls).hasValue(4);
        assertThat(waits).hasSize(3);
        // nominal 200, 400, 800 ms, each within ±50%
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(600));
        assertThat(waits.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(1200));
    }

    @Test
    void shouldNeverRetryANonIdempotentCall() {
        AtomicInteger calls = new AtomicInteger();
        RuntimeException busy = unavailable(503, Duration.ofSeconds(1));

        assertThatThrownBy(() -> policy().executeOnce("test", "create", failing(calls, busy)))
                .isSameAs(busy);

        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldNotRetryPermanentFailures() {
        AtomicInteger calls = new AtomicInteger();
        RuntimeException denied = StorageException.of("write k", new AccessDeniedException("/lake/k"));
        RuntimeException conflict = new ConflictException("alias moved");
        RuntimeException notImplemented = unavailable(501, null);

        for (RuntimeException e : List.of(denied, conflict, notImplemented, new IllegalArgumentException("bad"))) {
            calls.set(0);
            assertThatThrownBy(() -> policy().executeIdempotent("test", "get", failing(calls, e)))
                    .isSameAs(e);
            assertThat(calls).as("%s", e).hasValue(1);
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldOpenTheBreakerOnRepeatedTransientFailuresAndCloseItAfterTheWaitOnTheClock() {
        RetryPolicy policy = policy();
        RuntimeException busy = unavailable(503, null);
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> alwaysBusy = () -> {
            calls.incrementAndGet();
            throw busy;
        };

        // the default breaker opens at a 50% failure rate over its 100-call window once 100 calls are recorded
        for (int i = 0; i < 25; i++) {
            assertThatThrownBy(() -> policy.executeIdempotent("test", "get", alwaysBusy))
                    .isInstanceOf(ServiceUnavailableException.class);
        }
        CircuitBreaker breaker = breakers.circuitBreaker("mlops.test");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int before = calls.get();

        assertThatThrownBy(() -> policy.executeIdempotent("test", "get", () -> "ok"))
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(calls).as("no call reaches the backend while open").hasValue(before);

        clock.advance(Duration.ofSeconds(61)); // the default wait in the open state is 60 s
        for (int i = 0; i < 10; i++) { // the default half-open trial is 10 calls
            assertThat(policy.executeIdempotent("test", "get", () -> "ok")).isEqualTo("ok");
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldKeepTheBreakerClosedOnFailuresThatAreNotTransient() {
        RetryPolicy policy = policy();
        for (int i = 0; i < 150; i++) {
            assertThatThrownBy(() -> policy.executeOnce("test", "create", () -> {
                        throw new ConflictException("exists");
                    }))
                    .isInstanceOf(ConflictException.class);
        }

        assertThat(breakers.circuitBreaker("mlops.test").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldJudgeTransienceFromTheCauseOfAStorageFailure() {
        assertThat(StorageException.of("x", new SocketTimeoutException()).isTransient())
                .isTrue();
        assertThat(StorageException.of("x", new java.net.ConnectException()).isTransient())
                .isTrue();
        assertThat(StorageException.of("x", new AccessDeniedException("/p")).isTransient())
                .isFalse();
        assertThat(StorageException.of("x", new IOException("No space left on device"))
                        .isTransient())
                .isFalse();
    }

    @Test
    void shouldJudgeTransienceFromTheStatus() {
        for (int status : new int[] {0, 408, 429, 500, 502, 503, 504}) {
            assertThat(ServiceError.of("b", status).isTransient())
                    .as("%d", status)
                    .isTrue();
        }
        for (int status : new int[] {400, 401, 403, 404, 409, 412, 501, 505}) {
            assertThat(ServiceError.of("b", status).isTransient())
                    .as("%d", status)
                    .isFalse();
        }
    }

    @Test
    void shouldRejectBadSettingsAtOnce() {
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(2).maxAttempts(3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already set");
        assertThatThrownBy(() -> RetryPolicy.custom().initialInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.custom().multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.custom().randomization(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.custom().maxRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.custom()
                        .initialInterval(Duration.ofSeconds(20))
                        .maxInterval(Duration.ofSeconds(10))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialInterval");
    }
}
