package org.mlops4j.resilience;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.MlopsServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry policy every remote adapter uses (DESIGN §3.7, STYLE R1–R3): {@code Retry(CircuitBreaker(call))} on
 * Resilience4j, where the call itself carries its HTTP timeouts.
 *
 * <ul>
 *   <li>Only idempotent calls are retried ({@link #executeIdempotent}); a create or any other call that must not run
 *       twice goes through the breaker once ({@link #executeOnce}).
 *   <li>Only transient failures are retried: an {@link MlopsException} whose {@link MlopsException#isTransient()} says
 *       so (no response, 408, 429, most 5xx, dropped connections). Anything else is thrown at once.
 *   <li>Waits grow exponentially with jitter ({@link Builder#initialInterval}, {@link Builder#multiplier},
 *       {@link Builder#randomization}, {@link Builder#maxInterval}); a backend's {@code Retry-After} is honoured: the
 *       wait is never shorter than it asked. A {@code Retry-After} longer than {@link Builder#maxRetryAfter} is not
 *       waited for inside a call: the failure is thrown at once, with the wait in it.
 *   <li>One circuit breaker per backend ({@code mlops.<backend>}), one retry per operation
 *       ({@code mlops.<backend>.<operation>}), both taken from registries the host may pass in and observe (bind
 *       them to Micrometer with {@code resilience4j-micrometer}). An open breaker throws Resilience4j's
 *       {@link CallNotPermittedException}, unchanged (STYLE E5). Only transient failures count against the breaker.
 *   <li>Time comes from {@link Builder#clock} and waits go through {@link Builder#sleeper}, so tests run on a manual
 *       clock with no sleeping (Resilience4j's own sleeping is JVM-wide and is not used).
 * </ul>
 *
 * <p>Immutable and thread-safe; share one per backend client. Example:
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.custom().maxAttempts(4).build();
 * RegisteredModel model = policy.executeIdempotent("mlflow", "get-registered-model", () -> http.get(...));
 * }</pre>
 */
public final class RetryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    /** Waits for a while; the default sleeps the calling thread. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param duration how long
         * @throws InterruptedException if the thread is interrupted meanwhile
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int maxAttempts;
    private final Duration initialInterval;
    private final double multiplier;
    private final double randomization;
    private final Duration maxInterval;
    private final Duration maxRetryAfter;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry breakers;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RetryConfig retryConfig;
    private final CircuitBreakerConfig breakerConfig;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialInterval = b.initialInterval;
        this.multiplier = b.multiplier;
        this.randomization = b.randomization;
        this.maxInterval = b.maxInterval;
        this.maxRetryAfter = b.maxRetryAfter;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.sleeper = b.sleeper == null ? d -> Thread.sleep(d.toMillis()) : b.sleeper;
        this.retries = b.retries == null ? RetryRegistry.ofDefaults() : b.retries;
        this.breakers = b.breakers == null ? CircuitBreakerRegistry.ofDefaults() : b.breakers;
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
                initialInterval.toMillis(), multiplier, randomization, maxInterval.toMillis());
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long wait = backoff.apply(attempt);
            if (outcome.isLeft() && outcome.getLeft() instanceof MlopsServiceException e) {
                wait = Math.max(wait, e.getRetryAfter().map(Duration::toMillis).orElse(0L));
            }
            return wait;
        };
        this.retryConfig = RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalBiFunction(interval)
                .retryOnException(this::isRetryable)
                .failAfterMaxAttempts(false)
                .build();
        this.breakerConfig = CircuitBreakerConfig.custom()
                .clock(clock)
                .recordException(RetryPolicy::isTransient)
                .ignoreExceptions(CallNotPermittedException.class)
                .build();
    }

    /**
     * Starts a policy: 4 attempts, waits from 200 ms doubling up to 10 s with ±50% jitter, {@code Retry-After} up to
     * 60 s honoured, the system clock, private registries.
     *
     * @return a builder
     */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns the policy with the defaults of {@link #custom()}.
     *
     * @return the policy
     */
    public static RetryPolicy ofDefaults() {
        return custom().build();
    }

    /**
     * Runs an idempotent call (a read, a poll, a conditional or naturally idempotent write) through the backend's
     * circuit breaker, retrying transient failures.
     *
     * @param backend the backend's name, e.g. {@code mlflow}
     * @param operation the operation's name, e.g. {@code get-model-version}
     * @param call the call; it carries its own timeouts
     * @param <T> what the call returns
     * @return what the call returned
     * @throws MlopsException the last failure, when it is not transient or the attempts are used up
     * @throws CallNotPermittedException if the backend's breaker is open
     * @throws IllegalStateException if the thread is interrupted while it waits (the interrupt flag is kept)
     */
    public <T> T executeIdempotent(String backend, String operation, Supplier<T> call) {
        CircuitBreaker breaker = breaker(backend);
        Retry retry = retries.retry(name(backend, operation), retryConfig);
        Retry.AsyncContext<T> attempts = retry.asyncContext();
        while (true) {
            try {
                T result = breaker.executeSupplier(call);
                attempts.onComplete();
                return result;
            } catch (RuntimeException e) {
                long waitMillis = attempts.onError(e);
                if (waitMillis < 0) {
                    if (e instanceof MlopsException m && m.isTransient()) {
                        LOG.warn(
                                "{} gave up after {} attempts: {}",
                                name(backend, operation),
                                maxAttempts,
                                e.toString());
                    }
                    throw e;
                }
                LOG.debug("{} failed ({}); trying again in {} ms", name(backend, operation), e, waitMillis);
                pause(Duration.ofMillis(waitMillis));
            }
        }
    }

    /**
     * Runs a call that must not run twice (a create without a condition, a submission) through the backend's circuit
     * breaker, once: a transient failure is thrown to the caller, who knows how to check whether it took effect.
     *
     * @param backend the backend's name
     * @param operation the operation's name
     * @param call the call
     * @param <T> what the call returns
     * @return what the call returned
     * @throws MlopsException the failure
     * @throws CallNotPermittedException if the backend's breaker is open
     */
    public <T> T executeOnce(String backend, String operation, Supplier<T> call) {
        Objects.requireNonNull(operation, "operation");
        return breaker(backend).executeSupplier(call);
    }

    /**
     * Returns the registry that holds this policy's retries, to observe them.
     *
     * @return the registry
     */
    public RetryRegistry getRetryRegistry() {
        return retries;
    }

    /**
     * Returns the registry that holds this policy's circuit breakers, to observe them.
     *
     * @return the registry
     */
    public CircuitBreakerRegistry getCircuitBreakerRegistry() {
        return breakers;
    }

    private CircuitBreaker breaker(String backend) {
        return breakers.circuitBreaker("mlops." + Objects.requireNonNull(backend, "backend"), breakerConfig);
    }

    private static String name(String backend, String operation) {
        return "mlops." + backend + "." + operation;
    }

    private boolean isRetryable(Throwable t) {
        if (!isTransient(t)) {
            return false;
        }
        return !(t instanceof MlopsServiceException e)
                || e.getRetryAfter().map(d -> d.compareTo(maxRetryAfter) <= 0).orElse(true);
    }

    private static boolean isTransient(Throwable t) {
        return t instanceof MlopsException e && e.isTransient();
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting " + wait + " to retry", e);
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialInterval=" + initialInterval + ", multiplier="
                + multiplier + ", randomization=" + randomization + ", maxInterval=" + maxInterval
                + ", maxRetryAfter=" + maxRetryAfter + "}";
    }

    /** Sets up a {@link RetryPolicy}; each setting may be set once. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 4;
        private boolean maxAttemptsSet;
        private Duration initialInterval = Duration.ofMillis(200);
        private boolean initialIntervalSet;
        private double multiplier = 2.0;
        private boolean multiplierSet;
        private double randomization = 0.5;
        private boolean randomizationSet;
        private Duration maxInterval = Duration.ofSeconds(10);
        private boolean maxIntervalSet;
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private boolean maxRetryAfterSet;
        private @Nullable RetryRegistry retries;
        private @Nullable CircuitBreakerRegistry breakers;
        private @Nullable Clock clock;
        private @Nullable Sleeper sleeper;

        private Builder() {}

        /**
         * Sets how many times an idempotent call is tried in all (default 4).
         *
         * @param attempts at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder maxAttempts(int attempts) {
            maxAttemptsSet = once(maxAttemptsSet, "maxAttempts");
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts is at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the first wait (default 200 ms).
         *
         * @param interval positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder initialInterval(Duration interval) {
            initialIntervalSet = once(initialIntervalSet, "initialInterval");
            this.initialInterval = positive(interval, "initialInterval");
            return this;
        }

        /**
         * Sets the factor between successive waits (default 2).
         *
         * @param factor at least 1
         * @return this builder
         * @throws IllegalArgumentException if it is below 1 or not finite
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder multiplier(double factor) {
            multiplierSet = once(multiplierSet, "multiplier");
            if (!(factor >= 1.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("multiplier is a finite number of at least 1, got " + factor);
            }
            this.multiplier = factor;
            return this;
        }

        /**
         * Sets the jitter: each wait is drawn uniformly within ± this share of its nominal value (default 0.5), so
         * that clients that failed together do not retry together.
         *
         * @param share within [0, 1)
         * @return this builder
         * @throws IllegalArgumentException if it is outside [0, 1)
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder randomization(double share) {
            randomizationSet = once(randomizationSet, "randomization");
            if (!(share >= 0.0 && share < 1.0)) {
                throw new IllegalArgumentException("randomization is within [0, 1), got " + share);
            }
            this.randomization = share;
            return this;
        }

        /**
         * Sets the longest wait between attempts from the backoff alone (default 10 s).
         *
         * @param interval positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder maxInterval(Duration interval) {
            maxIntervalSet = once(maxIntervalSet, "maxInterval");
            this.maxInterval = positive(interval, "maxInterval");
            return this;
        }

        /**
         * Sets the longest {@code Retry-After} waited for inside a call (default 60 s); a backend that asks for more
         * gets its failure thrown at once, carrying the wait, for the caller to schedule.
         *
         * @param wait not negative
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder maxRetryAfter(Duration wait) {
            maxRetryAfterSet = once(maxRetryAfterSet, "maxRetryAfter");
            if (Objects.requireNonNull(wait, "maxRetryAfter").isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter is not negative, got " + wait);
            }
            this.maxRetryAfter = wait;
            return this;
        }

        /**
         * Sets the host's retry registry, so that its dashboards see {@code mlops.<backend>.<operation>}.
         *
         * @param registry the registry
         * @return this builder
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder retryRegistry(RetryRegistry registry) {
            if (retries != null) {
                throw new IllegalStateException("retryRegistry was already set");
            }
            this.retries = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the host's circuit-breaker registry, so that its dashboards see {@code mlops.<backend>}.
         *
         * @param registry the registry
         * @return this builder
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
            if (breakers != null) {
                throw new IllegalStateException("circuitBreakerRegistry was already set");
            }
            this.breakers = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the clock the circuit breakers read (default: the system clock).
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            if (this.clock != null) {
                throw new IllegalStateException("clock was already set");
            }
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how the policy waits between attempts (default: it sleeps the calling thread); tests pass one that
         * advances a manual clock.
         *
         * @param sleeper the sleeper
         * @return this builder
         * @throws IllegalStateException if it was set before
         */
        @CanIgnoreReturnValue
        public Builder sleeper(Sleeper sleeper) {
            if (this.sleeper != null) {
                throw new IllegalStateException("sleeper was already set");
            }
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         * @throws IllegalStateException if the first wait is longer than the longest
         */
        public RetryPolicy build() {
            if (initialInterval.compareTo(maxInterval) > 0) {
                throw new IllegalStateException("initialInterval " + initialInterval + " is longer than maxInterval "
                        + maxInterval + "; lower the one or raise the other");
            }
            return new RetryPolicy(this);
        }

        private static boolean once(boolean set, String name) {
            if (set) {
                throw new IllegalStateException(name + " was already set");
            }
            return true;
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " is positive, got " + d);
            }
            return d;
        }
    }
}
