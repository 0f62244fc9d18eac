package org.mlops4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.store.ObjectStore;

/**
 * Writes one tree's files into a checkout's private directory ({@link ContentTrees#checkout}), in memory bounded by
 * the largest directory, not by the number of files: the trees are read one directory at a time, each directory is
 * created once (before any of its files), and files go to the workers in batches, with a bound on the batches in
 * flight. A checkout of a million files once kept every path, entry and future alive until the end.
 */
final class TreeCheckout {
    /**
     * Small files go to the workers in batches of this many; a batch reads neighbouring packed members with one
     * request ({@link ContentTrees#writeVerified(String, List, Path)}), so larger batches mean fewer requests.
     */
    private static final int BATCH_FILES = 128;
    /** ... or of this many bytes. */
    private static final long BATCH_BYTES = 2 * 1024 * 1024;
    /**
     * Files are gathered in windows of this many, in tree order, and sorted by where their content lies before they
     * are cut into batches: a snapshot packs files in the order its workers finish them, so a batch in tree order would
     * touch members scattered over several packs, one request per scattered member (640 for 10,000 files; 363 with
     * windows of 4,096).
     */
    private static final int WINDOW_FILES = 16_384;

    private final ContentTrees trees;
    private final ObjectStore store;
    private final ExecutorService executor;
    private final String label;
    /** The directory the caller named, for messages. */
    private final Path directory;
    /** Where the files end up, for messages. */
    private final Path target;

    private final int permits;
    /** Bounds the batches in flight; a batch holds one permit until it ends. */
    private final Semaphore inFlight;

    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private List<ContentTrees.CheckoutFile> window = new ArrayList<>();
    private long files;
    /** Whether the private directory's filesystem folds case; probed at the first name that differs only by case. */
    private @Nullable Boolean caseInsensitive;

    TreeCheckout(
            ContentTrees trees,
            ObjectStore store,
            ExecutorService executor,
            int parallelism,
            String label,
            Path directory,
            Path target) {
        this.trees = trees;
        this.store = store;
        this.executor = executor;
        this.label = label;
        this.directory = directory;
        this.target = target;
        this.permits = Math.max(1, parallelism) * 4;
        this.inFlight = new Semaphore(permits);
    }

    /**
     * Writes the tree whose root lists {@code root} into {@code staging}, which exists and is empty; returns when every file is written and checked.
     *
     * @return the number of files written
     */
    long write(List<Trees.Entry> root, Path staging) throws IOException {
        try {
            writeDirectory(root, "", staging, staging);
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            try {
                submitWindow();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
            // nothing may still write into the private directory once the caller deletes it
            inFlight.acquireUninterruptibly(permits);
            inFlight.release(permits);
        }
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t != null) {
            throw new MlopsException("checkout of " + label + " failed: " + t, t);
        }
        return files;
    }

    private void writeDirectory(List<Trees.Entry> entries, String prefix, Path dir, Path staging) throws IOException {
        requireNoCaseCollision(entries, prefix, staging);
        for (Trees.Entry entry : entries) {
            if (failure.get() != null) {
                return;
            }
            String path = prefix.isEmpty() ? entry.name() : prefix + "/" + entry.name();
            Path at = dir.resolve(entry.name()); // a safe name: Trees.read checked it
            if (entry instanceof Trees.FileEntry file) {
                files++;
                window.add(new ContentTrees.CheckoutFile(path, file, at));
                if (window.size() >= WINDOW_FILES) {
                    submitWindow();
                }
            } else {
                Files.createDirectory(at);
                writeDirectory(Trees.read(store, ((Trees.DirEntry) entry).tree(), label), path, at, staging);
            }
        }
    }

    private void requireNoCaseCollision(List<Trees.Entry> entries, String prefix, Path staging) throws IOException {
        Map<String, String> folded = new HashMap<>(entries.size() * 2);
        for (Trees.Entry entry : entries) {
            String other = folded.putIfAbsent(fold(entry.name()), entry.name());
            if (other == null) {
                continue;
            }
            if (caseInsensitive == null) {
                caseInsensitive = ContentTrees.isCaseInsensitive(staging);
            }
            if (caseInsensitive) {
                String dir = prefix.isEmpty() ? "" : prefix + "/";
                throw new UnsafePathException(
                        dir + other + "' and '" + dir + entry.name(),
                        "names differ only by case, and " + directory + " is on a case-insensitive filesystem;"
                                + " check out on a case-sensitive one");
            }
        }
    }

    /** Case-folds a name; an ASCII name without capitals is its own fold (no copy per file). */
    private static String fold(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Sorts the window's files by where their contents lie (packed ones by pack and offset), then sends batches. */
    private void submitWindow() {
        List<ContentTrees.CheckoutFile> sorted = trees.inReadOrder(window);
        window = new ArrayList<>();
        List<ContentTrees.CheckoutFile> batch = new ArrayList<>();
        long batchBytes = 0;
        for (ContentTrees.CheckoutFile file : sorted) {
            batch.add(file);
            batchBytes += file.entry().size();
            if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
                submitBatch(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
        submitBatch(batch);
    }

    private void submitBatch(List<ContentTrees.CheckoutFile> files) {
        if (files.isEmpty() || failure.get() != null) {
            return;
        }
        inFlight.acquireUninterruptibly();
        try {
            executor.execute(() -> {
                try {
                    if (failure.get() == null) {
                        trees.writeVerified(label, files, target);
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            throw new IllegalStateException(
                    "the executor refused the checkout of " + label + ": the Mlops instance was closed, or the"
                            + " executor the host gave it was shut down; check out through an open Mlops",
                    e);
        }
    }
}
