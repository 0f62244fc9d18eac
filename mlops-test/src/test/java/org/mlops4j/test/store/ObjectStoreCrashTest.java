package org.mlops4j.test.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreVerification;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.VersionAllocator.AllocatedVersion;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillOutcome;
import org.mlops4j.test.process.KillPlan;
import org.mlops4j.test.process.KillPlans;
import org.mlops4j.test.process.LakeTempFiles;
import org.mlops4j.test.process.StoreSteps;

/**
 * Acceptance test 4 of the object store (issue "Foundation 1"): a child JVM that writes content, version records
 * and a pointer is halted ({@code Runtime.halt}) at each named write step (content written, record written, pointer
 * moved, and the temp-written steps before them), at least five times each, and killed with SIGKILL at random
 * times; at least 50 deaths in all. After each death the store, reopened, has removed the dead child's temp files,
 * verifies clean, holds versions 1..n without a gap, each naming stored content, its pointer names an existing
 * version, and the next write succeeds. Prints where the kills landed.
 *
 * <p>Replay a run with {@code -D}{@value #SEED_PROPERTY}{@code =<seed>} (the seed is printed).
 */
class ObjectStoreCrashTest {
    static final String SEED_PROPERTY = "mlops4j.crash.seed";

    private static final String CONTENT_WRITTEN = StoreSteps.STEP_CONTENT_WRITTEN;
    private static final String CONTENT_COMMITTED = StoreSteps.STEP_CONTENT_COMMITTED;
    private static final String RECORD_WRITTEN = StoreSteps.STEP_RECORD_WRITTEN;
    private static final String RECORD_COMMITTED = StoreSteps.STEP_RECORD_COMMITTED;
    private static final String POINTER_WRITTEN = StoreSteps.STEP_POINTER_WRITTEN + "/champion";
    private static final String POINTER_MOVED = StoreSteps.STEP_POINTER_MOVED + "/champion";
    private static final String HINT_WRITTEN = StoreSteps.STEP_POINTER_WRITTEN + "/hint";
    private static final String HINT_MOVED = StoreSteps.STEP_POINTER_MOVED + "/hint";

    /** The named points, grouped as the acceptance text names them. */
    private static final List<List<String>> NAMED_POINTS = List.of(
            List.of(CONTENT_WRITTEN, CONTENT_COMMITTED),
            List.of(RECORD_WRITTEN, RECORD_COMMITTED),
            List.of(POINTER_WRITTEN, POINTER_MOVED, HINT_WRITTEN, HINT_MOVED));

    /** Steps at which the dying child holds exactly one temp file: written but not yet renamed, or just linked. */
    private static final Set<String> STEPS_WITH_A_TEMP_FILE =
            Set.of(CONTENT_WRITTEN, RECORD_WRITTEN, RECORD_COMMITTED, POINTER_WRITTEN, HINT_WRITTEN);

    private static final int HALTS_PER_STEP = 5;
    private static final int MAX_HALT_OCCURRENCE = 6;
    private static final int SIGKILLS = 16;
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(700);

    @TempDir
    Path dir;

    private Path lake;
    private SplittableRandom parentRandom;
    private long versions;
    private long pointerVersion;
    private long tempFilesFound;

    @Test
    void shouldRecoverCleanlyWhenTheWriterIsHaltedOrKilledAnywhere() {
        long seed = CrashLoop.seed(SEED_PROPERTY, "crash test");
        Random random = new Random(seed);
        parentRandom = new SplittableRandom(seed);
        lake = dir.resolve("lake");
        CrashWorkload.writeLargeBlobs(dir.resolve("blobs"));

        KillPlans plans = new KillPlans(random);
        NAMED_POINTS.stream()
                .flatMap(List::stream)
                .forEach(step -> plans.halts(step, MAX_HALT_OCCURRENCE, HALTS_PER_STEP));
        plans.sigkills(SIGKILLS, MAX_KILL_DELAY);

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(CrashWorkload.class)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                lake.toString(),
                                Long.toString(random.nextLong()),
                                dir.resolve("blobs").toString())
                        .haltAsPlanned(plan)
                        .build())
                .afterEach(this::checkAfterDeath)
                .report("crash test", System.out)
                .build()
                .run(plans.shuffled());

        System.out.printf("crash test: %d versions, %d stale temp files removed%n", versions, tempFilesFound);
        assertThat(histogram.total()).as("deaths").isGreaterThanOrEqualTo(50);
        assertThat(histogram.countOf(CrashLoop.SIGKILL)).as("SIGKILLs").isEqualTo(SIGKILLS);
        for (List<String> point : NAMED_POINTS) {
            for (String step : point) {
                assertThat(histogram.count(step, CrashLoop.HALT))
                        .as("halts at %s", step)
                        .isGreaterThanOrEqualTo(HALTS_PER_STEP);
            }
        }
        assertThat(tempFilesFound).as("temp files left by dead children").isPositive();
    }

    private void checkAfterDeath(KillOutcome outcome) {
        long left = LakeTempFiles.count(lake);
        if (outcome.plan() instanceof KillPlan.Halt halt) {
            assertThat(left)
                    .as("temp files left by a halt at %s", halt.point())
                    .isEqualTo(STEPS_WITH_A_TEMP_FILE.contains(halt.point().step()) ? 1 : 0);
        } else {
            assertThat(left)
                    .as("temp files left by a SIGKILL after %s", outcome.landedAt())
                    .isBetween(0L, 1L);
        }
        tempFilesFound += left;

        try (LocalObjectStore store = LakeTempFiles.reopenRemoving(lake, left)) {
            StoreVerification verification = store.verify();
            assertThat(verification.problems()).as("store verification").isEmpty();

            List<Long> numbers = StoreRecords.versionNumbers(store, StoreRecords.SERIES);
            long n = numbers.size();
            assertThat(numbers)
                    .as("versions, gap-free")
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
            assertThat(n).as("versions never disappear").isGreaterThanOrEqualTo(versions);
            VersionAllocator allocator = new VersionAllocator(store);
            assertThat(allocator.findHighest(StoreRecords.SERIES)).isEqualTo(n);
            Set<String> commits = new HashSet<>();
            for (long v = 1; v <= n; v++) {
                JsonNode record = StoreRecords.parse(store.get(VersionAllocator.versionKey(StoreRecords.SERIES, v))
                        .getBytes());
                assertThat(commits.add(record.path("commit").asText()))
                        .as("commit of version %d is unique: %s", v, record)
                        .isTrue();
                assertThat(record.path("version").asLong()).isEqualTo(v);
                Digest content = Digest.parse(record.path("content").asText());
                assertThat(store.findContent(content))
                        .as("content of version %d, stored before its record", v)
                        .isPresent();
            }

            Optional<StoredObject> pointer = store.find(StoreRecords.POINTER);
            if (pointerVersion > 0) {
                assertThat(pointer).as("the pointer, once moved").isPresent();
            }
            if (pointer.isPresent()) {
                long target = StoreRecords.parse(pointer.get().getBytes())
                        .path("version")
                        .asLong();
                assertThat(target)
                        .as("the pointer's version: an existing one, never behind the last seen")
                        .isBetween(Math.max(1, pointerVersion), n);
            }

            byte[] bytes = CrashWorkload.randomBytes(parentRandom, 4096);
            ContentInfo info = store.putContent(new ByteArrayInputStream(bytes));
            String commit = "parent-" + outcome.iteration();
            AllocatedVersion next = allocator.allocate(
                    StoreRecords.SERIES,
                    commit,
                    v -> StoreRecords.versionRecord(commit, v, info.digest()),
                    StoreRecords::commitIdOf);
            assertThat(next.number()).as("the next version after a death").isEqualTo(n + 1);
            assertThat(next.recovered()).isFalse();
            var unused = StoreRecords.movePointer(store, next.number(), commit, "parent");
            assertThat(StoreRecords.parse(store.get(StoreRecords.POINTER).getBytes())
                            .path("version")
                            .asLong())
                    .isEqualTo(n + 1);
            versions = n + 1;
            pointerVersion = n + 1;
        }
    }
}
