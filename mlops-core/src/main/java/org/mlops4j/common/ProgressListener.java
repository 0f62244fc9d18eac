package org.mlops4j.common;

/**
 * Receives progress of long work (snapshots, checkouts, transfers). Called from worker threads, often: must be fast
 * and thread-safe, and must not throw. Every method has a no-op default, so new callbacks break no one.
 *
 * <p>Example: {@code progress(event -> System.out.printf("%d/%d files%n", event.filesDone(), event.filesTotal()))}.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = event -> {};

    /**
     * Reports progress.
     *
     * @param event what is done so far
     */
    void onProgress(ProgressEvent event);

    /**
     * Progress of one operation.
     *
     * @param operation what runs, e.g. {@code snapshot churn-raw}
     * @param filesDone files finished
     * @param filesTotal files in all ({@code -1} while still counting)
     * @param bytesDone bytes finished
     * @param bytesTotal bytes in all ({@code -1} while still counting)
     */
    record ProgressEvent(String operation, long filesDone, long filesTotal, long bytesDone, long bytesTotal) {}
}
