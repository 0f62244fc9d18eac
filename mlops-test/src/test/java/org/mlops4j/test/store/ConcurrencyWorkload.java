package org.mlops4j.test.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.VersionAllocator.AllocatedVersion;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.WorkerThreads;

/**
 * A child of {@link ObjectStoreConcurrencyTest}: several threads that, until a deadline, allocate a version and
 * move the pointer to it by compare-and-set, logging each move.
 *
 * <p>Arguments: lake directory, writer id, threads, duration in milliseconds. Waits for {@code GO}
 * after {@code READY}; reports one line per allocation ({@code <commit> <version> <conflicts> <recovered>}) and
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

        AtomicLong createConflicts = new AtomicLong();
        AtomicLong casConflicts = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        AtomicLong recovered = new AtomicLong();
        List<String> allocations;
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            VersionAllocator allocator = new VersionAllocator(store);
            parent.ready();
            parent.awaitGo();
            long deadline = System.nanoTime() + duration.toNanos();
            allocations = WorkerThreads.runAll(writer, threads, (thread, mine, stopped) -> {
                for (long seq = 1; System.nanoTime() < deadline && !stopped.getAsBoolean(); seq++) {
                    String commit = thread + "-" + seq;
                    AllocatedVersion version = allocator.allocate(
                            StoreRecords.SERIES,
                            commit,
                            n -> StoreRecords.versionRecord(commit, n, null),
                            StoreRecords::commitIdOf);
                    mine.add(commit + " " + version.number() + " " + version.conflicts() + " " + version.recovered());
                    createConflicts.addAndGet(version.conflicts());
                    if (version.recovered()) {
                        recovered.incrementAndGet();
                    }
                    StoreRecords.MoveResult moved = StoreRecords.movePointer(store, version.number(), commit, thread);
                    casConflicts.addAndGet(moved.conflicts());
                    if (!store.createIfAbsent(
                            StoreRecords.logKey(moved.newTag()), StoreRecords.logEntry(moved.move()))) {
                        throw new IllegalStateException("the log already holds a move to tag " + moved.newTag());
                    }
                    moves.incrementAndGet();
                }
            });
        }
        parent.reportAndExit(
                allocations,
                String.format(
                        Locale.ROOT,
                        "allocations=%d createConflicts=%d moves=%d casConflicts=%d recovered=%d",
                        allocations.size(),
                        createConflicts.get(),
                        moves.get(),
                        casConflicts.get(),
                        recovered.get()));
    }
}
