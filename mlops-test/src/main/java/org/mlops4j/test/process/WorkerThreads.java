package org.mlops4j.test.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The child side of a concurrency test: runs one loop on several named threads and gathers the lines each thread
 * wrote for the parent to check. The first failure stops the others at their next check of
 * {@link Worker#run stopped}, and the child exits with {@value #FAILURE_EXIT_CODE}. Stateless; thread-safe.
 *
 * <pre>{@code
 * List<String> lines = WorkerThreads.runAll(writer, threads, (thread, out, stopped) -> {
 *     for (long seq = 1; System.nanoTime() < deadline && !stopped.getAsBoolean(); seq++) {
 *         out.add(thread + "-" + seq + " " + allocate());
 *     }
 * });
 * }</pre>
 */
public final class WorkerThreads {
    /** The exit code of a child one of whose worker threads failed. */
    public static final int FAILURE_EXIT_CODE = 1;

    private WorkerThreads() {}

    /** The loop of one thread. */
    @FunctionalInterface
    public interface Worker {
        /**
         * Runs the thread's work.
         *
         * @param thread the thread's name, {@code <writer>-t<index>}
         * @param out where the thread adds its lines; only this thread writes to it
         * @param stopped true once another thread failed: stop at the next chance
         * @throws Exception any failure; it fails the whole run
         */
        void run(String thread, List<String> out, BooleanSupplier stopped) throws Exception;
    }

    /**
     * Runs a loop on threads named {@code <writer>-t0} … and waits for all of them.
     *
     * @param writer the prefix of the threads' names, e.g. the process's writer id
     * @param threads how many threads
     * @param worker the loop
     * @return the lines of all threads, thread by thread in order; if a thread failed, this method prints the first
     *     failure to standard error and exits the JVM with {@value #FAILURE_EXIT_CODE} instead of returning
     * @throws InterruptedException if interrupted while waiting
     */
    public static List<String> runAll(String writer, int threads, Worker worker) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<List<String>> outs = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> out = new ArrayList<>();
            outs.add(out);
            String name = writer + "-t" + t;
            Thread thread = new Thread(
                    () -> {
                        try {
                            worker.run(name, out, () -> failure.get() != null);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    name);
            workers.add(thread);
            thread.start();
        }
        for (Thread thread : workers) {
            thread.join();
        }
        if (failure.get() != null) {
            // Exit at once rather than throw: the code under test may have left non-daemon threads that would keep
            // the JVM, and the parent waiting for its exit code, alive.
            failure.get().printStackTrace();
            System.exit(FAILURE_EXIT_CODE);
        }
        List<String> lines = new ArrayList<>();
        outs.forEach(lines::addAll);
        return lines;
    }
}
