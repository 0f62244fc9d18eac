package org.mlops4j.test.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.VersionAllocator.AllocatedVersion;
import org.mlops4j.test.process.ParentChannel;

/**
 * A child of {@link ObjectStoreConcurrencyTest}: several threads that, until a deadline, allocate a version and
 * move the pointer to it by compare-and-set, logging each move.
 *
 * <p>Arguments: lake directory, writer id, threads, duration in milliseconds, allocations file. Waits for {@code GO}
 * after {@code READY}; writes one line per allocation ({@code <commit> <version> <conflicts> <recovered>}) and
 * prints {@code RESULT allocations=… createConflicts=… moves=… casConflicts=… recovered=…}.
 */
public final class ConcurrencyWorkload {
    private ConcurrencyWorkload() {}

    public static void main(String[] args) throws InterruptedException {
        ParentChannel parent = ParentChannel.open();
        Path root = Path.of(args[0]);
        String writer = args[1];
        int threads = Integer.parseInt(args[2]);
        Duration duration = Duration.ofMillis(Long.parseLong(args[3]));
        Path allocationsFile = Path.of(args[4]);

        AtomicLong createConflicts = new AtomicLong();
        AtomicLong casConflicts = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        AtomicLong recovered = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<List<String>> allocations = new ArrayList<>();
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            VersionAllocator allocator = new VersionAllocator(store);
            parent.ready();
            parent.awaitLine("GO", Duration.ofMinutes(2));
            long deadline = System.nanoTime() + duration.toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<String> mine = new ArrayList<>();
                allocations.add(mine);
                String thread = writer + "-t" + t;
                Thread worker = new Thread(
                        () -> {
                            try {
                                for (long seq = 1; System.nanoTime() < deadline && failure.get() == null; seq++) {
                                    String commit = thread + "-" + seq;
                                    AllocatedVersion version = allocator.allocate(
                                            StoreRecords.SERIES,
                                            commit,
                                            n -> StoreRecords.versionRecord(commit, n, null),
                                            StoreRecords::commitIdOf);
                                    mine.add(commit + " " + version.number() + " " + version.conflicts() + " "
                                            + version.recovered());
                                    createConflicts.addAndGet(version.conflicts());
                                    if (version.recovered()) {
                                        recovered.incrementAndGet();
                                    }
                                    StoreRecords.MoveResult moved =
                                            StoreRecords.movePointer(store, version.number(), commit, thread);
                                    casConflicts.addAndGet(moved.conflicts());
                                    if (!store.createIfAbsent(
                                            StoreRecords.logKey(moved.newTag()), StoreRecords.logEntry(moved.move()))) {
                                        throw new IllegalStateException(
                                                "the log already holds a move to tag " + moved.newTag());
                                    }
                                    moves.incrementAndGet();
                                }
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        thread);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        List<String> lines = new ArrayList<>();
        allocations.forEach(lines::addAll);
        try {
            Files.write(allocationsFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parent.send(String.format(
                Locale.ROOT,
                "RESULT allocations=%d createConflicts=%d moves=%d casConflicts=%d recovered=%d",
                lines.size(),
                createConflicts.get(),
                moves.get(),
                casConflicts.get(),
                recovered.get()));
        System.exit(0);
    }
}
