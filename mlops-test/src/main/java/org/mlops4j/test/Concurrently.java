package org.mlops4j.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one task on several threads that start at the same moment, for race tests. */
public final class Concurrently {
    private Concurrently() {}

    /** A task given its thread's index. */
    @FunctionalInterface
    public interface IndexedTask<T> {
        /**
         * Runs the task.
         *
         * @param index the thread's index, from 0
         * @return its result
         * @throws Exception on failure
         */
        T run(int index) throws Exception;
    }

    /**
     * Runs {@code task} on {@code threads} threads released together, and returns the results in thread order.
     *
     * @param threads how many threads
     * @param task the task
     * @param <T> the result type
     * @return the results
     * @throws Exception the first task's failure, or a timeout after two minutes
     */
    public static <T> List<T> run(int threads, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                Callable<T> call = () -> {
                    start.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
