package org.mlops4j.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Independent MLflow calls sent at once (the uploads of a model's files; a version's log-batch, log-inputs and the
 * search for an earlier attempt), each waited for before the caller goes on, so that no call outlives the operation that
 * started it. Every task is one call and waits for no other task, so an executor of any size cannot deadlock. Thread-safe.
 */
final class MlflowParallel {
    /** Calls at once on the default executor: the server (one worker by default) gains little from more. */
    static final int DEFAULT_THREADS = 4;

    private final Executor executor;

    MlflowParallel(Executor executor) {
        this.executor = executor;
    }

    /**
     * The default: {@value #DEFAULT_THREADS} daemon threads, made on demand and ended after 30 s idle, so that a driver
     * needs no closing.
     */
    static Executor defaultExecutor() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                DEFAULT_THREADS, DEFAULT_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "mlops4j-mlflow-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Starts a call. */
    <T> CompletableFuture<T> start(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, executor);
    }

    /** Starts a call without a result. */
    CompletableFuture<Void> run(Runnable call) {
        return CompletableFuture.runAsync(call, executor);
    }

    /**
     * Waits for every call, then rethrows the first failure as it was thrown (a typed MLflow error stays typed).
     *
     * @param calls the calls
     */
    static void awaitAll(List<? extends CompletableFuture<?>> calls) {
        RuntimeException first = null;
        for (CompletableFuture<?> call : calls) {
            try {
                call.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                RuntimeException cause = unwrap(e);
                if (first == null) {
                    first = cause;
                } else if (first != cause) {
                    first.addSuppressed(cause);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits for every call and returns the results in order; see {@link #awaitAll}. */
    static <T> List<T> results(List<CompletableFuture<T>> calls) {
        awaitAll(calls);
        List<T> out = new ArrayList<>(calls.size());
        calls.forEach(c -> out.add(c.join()));
        return out;
    }

    private static RuntimeException unwrap(RuntimeException e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }
}
