package org.mlops4j.test.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreVerification;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.test.process.ChildGroup;
import org.mlops4j.test.process.ChildJvm;

/**
 * Acceptance test 3 of the object store (issue "Foundation 1"): two JVMs with four threads each, for at least ten
 * seconds ({@value #DURATION_PROPERTY}, in seconds), allocate versions in one series and move one pointer by
 * compare-and-set. Every number 1..N is allocated exactly once, create conflicts happen and are counted, and the
 * pointer's logged history is one chain that ends at the pointer's tag.
 */
class ObjectStoreConcurrencyTest {
    /** The system property that sets how long the writers run, in seconds; 10 by default. */
    static final String DURATION_PROPERTY = "mlops4j.concurrency.seconds";

    private static final int PROCESSES = 2;
    private static final int THREADS = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldAllocateEachVersionOnceAndChainEveryMoveWhenTwoProcessesRace() {
        Duration duration = Duration.ofSeconds(Long.getLong(DURATION_PROPERTY, 10));
        Path lake = dir.resolve("lake");
        ChildGroup.RaceResults results = ChildGroup.race(
                PROCESSES,
                p -> ChildJvm.builder(ConcurrencyWorkload.class)
                        .name("writer" + p)
                        .outputDirectory(dir.resolve("children"))
                        .args(lake.toString(), "p" + p, Integer.toString(THREADS), Long.toString(duration.toMillis()))
                        .build(),
                START_TIMEOUT,
                duration.plus(Duration.ofMinutes(2)));

        long reportedAllocations = results.sum("allocations");
        long createConflicts = results.sum("createConflicts");
        long moves = results.sum("moves");
        long casConflicts = results.sum("casConflicts");
        long recovered = results.sum("recovered");
        Map<String, Long> versionOfCommit = new HashMap<>();
        for (String line : results.reportedLines()) {
            String[] fields = line.split(" ");
            Long previous = versionOfCommit.put(fields[0], Long.parseLong(fields[1]));
            assertThat(previous).as("commit %s allocated twice", fields[0]).isNull();
        }
        assertThat(versionOfCommit).hasSize((int) reportedAllocations);

        try (LocalObjectStore store = LocalObjectStore.open(lake)) {
            long n = new VersionAllocator(store).findHighest(StoreRecords.SERIES);
            List<Long> expected = LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
            assertThat(versionOfCommit.values())
                    .as("the versions the writers were given: each of 1..%d exactly once", n)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(StoreRecords.versionNumbers(store, StoreRecords.SERIES))
                    .as("the version records in the store")
                    .containsExactlyElementsOf(expected);
            for (long v = 1; v <= n; v++) {
                String commit = StoreRecords.commitIdOf(store.get(VersionAllocator.versionKey(StoreRecords.SERIES, v))
                        .getBytes());
                assertThat(versionOfCommit.get(commit))
                        .as(
                                "version %d holds commit %s, which a writer must have been given as that version",
                                v, commit)
                        .isEqualTo(v);
            }
            assertThat(createConflicts)
                    .as("create conflicts: two writers must have raced for a number at least once")
                    .isPositive();

            List<PointerHistory.Move> chain = PointerHistory.toChain(StoreRecords.readLog(store));
            assertThat(chain).as("logged moves").hasSize((int) moves);
            StoredObject pointer = store.get(StoreRecords.POINTER);
            PointerHistory.Move last = chain.get(chain.size() - 1);
            assertThat(pointer.getTag().value()).as("the pointer's tag").isEqualTo(last.newTag());
            assertThat(StoreRecords.commitIdOf(pointer.getBytes())).isEqualTo(last.commit());
            // The local store's tag is a generation counter: the chain's tags are then exactly 1..moves.
            assertThat(chain)
                    .extracting(PointerHistory.Move::newTag)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, moves)
                            .mapToObj(Long::toString)
                            .collect(Collectors.toList()));

            StoreVerification verification = store.verify();
            assertThat(verification.problems()).as("store verification").isEmpty();

            System.out.printf(
                    Locale.ROOT,
                    "concurrency: %d processes x %d threads, duration %.1f s: N=%d versions, create conflicts=%d,"
                            + " recovered=%d, pointer moves=%d, CAS conflicts=%d, store objects=%d%n",
                    PROCESSES,
                    THREADS,
                    results.seconds(),
                    n,
                    createConflicts,
                    recovered,
                    moves,
                    casConflicts,
                    verification.otherObjects());
        }
    }
}
