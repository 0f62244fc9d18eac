package org.mlops4j.test.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVerification;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillOutcome;
import org.mlops4j.test.process.KillPlan;
import org.mlops4j.test.process.KillPlans;
import org.mlops4j.test.process.LakeTempFiles;
import org.mlops4j.test.process.StoreSteps;

/**
 * Acceptance test 4 of datasets (issue "Foundation 2"), crash half: a child JVM that snapshots a raw dataset and
 * derives another from it, again and again ({@link DatasetCrashWorkload}), is halted ({@code Runtime.halt}) in each
 * named snapshot phase — while storing contents, while writing tree manifests, while writing the version record,
 * while writing the lineage edges after it — at least five times each, and killed with SIGKILL at random times.
 *
 * <p>After each death the lake, reopened, has lost the dead child's temp files; each dataset holds versions 1..n
 * without a gap; every version verifies clean, and verification rewrites exactly the lineage edges the child did not
 * get to write; the next snapshot and derivation get versions n + 1, verify clean and read back the bytes given.
 * Prints where the kills landed and how many edges were repaired.
 *
 * <p>Replay a run with {@code -D}{@value #SEED_PROPERTY}{@code =<seed>} (the seed is printed).
 */
class DatasetCrashTest {
    static final String SEED_PROPERTY = "mlops4j.crash.seed";

    private static final String CONTENT_WRITTEN =
            phaseStep(DatasetCrashWorkload.CONTENTS, StoreSteps.STEP_CONTENT_WRITTEN);
    private static final String CONTENT_COMMITTED =
            phaseStep(DatasetCrashWorkload.CONTENTS, StoreSteps.STEP_CONTENT_COMMITTED);

    /** The named points, by phase. */
    private static final Map<String, List<String>> PHASES = Map.of(
            DatasetCrashWorkload.CONTENTS, List.of(CONTENT_WRITTEN, CONTENT_COMMITTED),
            DatasetCrashWorkload.PACKS, recordSteps(DatasetCrashWorkload.PACKS),
            DatasetCrashWorkload.TREES, recordSteps(DatasetCrashWorkload.TREES),
            DatasetCrashWorkload.RECORD, recordSteps(DatasetCrashWorkload.RECORD),
            DatasetCrashWorkload.LINEAGE, recordSteps(DatasetCrashWorkload.LINEAGE));

    /** The highest occurrence to halt at, per phase: about two iterations' worth. */
    private static final Map<String, Integer> MAX_OCCURRENCE = Map.of(
            DatasetCrashWorkload.CONTENTS, 8,
            DatasetCrashWorkload.PACKS, 4,
            DatasetCrashWorkload.TREES, 8,
            DatasetCrashWorkload.RECORD, 4,
            DatasetCrashWorkload.LINEAGE, 3);

    private static final List<String> PHASE_ORDER = List.of(
            DatasetCrashWorkload.CONTENTS,
            DatasetCrashWorkload.PACKS,
            DatasetCrashWorkload.TREES,
            DatasetCrashWorkload.RECORD,
            DatasetCrashWorkload.LINEAGE);

    private static final int HALTS_PER_STEP = 4;
    private static final int MIN_HALTS_PER_PHASE = 5;
    private static final int SIGKILLS = 14;
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(1200);

    @TempDir
    Path dir;

    private Path lake;
    private Path blobs;
    private SplittableRandom parentRandom;
    private final Map<String, Long> versionsSeen = new HashMap<>();
    private long tempFilesFound;
    private long edgesRepaired;
    private long versionsVerified;
    private long checkNanos;

    @Test
    void shouldVerifyCleanAndSnapshotAgainWhenTheSnapshotterIsHaltedOrKilledInAnyPhase() {
        long seed = CrashLoop.seed(SEED_PROPERTY, "dataset crash test");
        Random random = new Random(seed);
        parentRandom = new SplittableRandom(seed);
        lake = dir.resolve("lake");
        blobs = dir.resolve("blobs");
        SourceTrees.writeLargeBlobs(blobs);
        // Versions 1 of both datasets, so that every child derives from the first iteration on.
        withLake(this::snapshotNext);

        KillPlans plans = new KillPlans(random);
        for (String phase : PHASE_ORDER) {
            for (String step : PHASES.get(phase)) {
                plans.halts(step, MAX_OCCURRENCE.get(phase), HALTS_PER_STEP);
            }
        }
        plans.sigkills(SIGKILLS, MAX_KILL_DELAY);

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(DatasetCrashWorkload.class)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                lake.toString(),
                                Long.toString(random.nextLong()),
                                dir.resolve("work").toString(),
                                blobs.toString())
                        .haltAsPlanned(plan)
                        .build())
                .afterEach(this::checkAfterDeath)
                .report("dataset crash test", System.out)
                .build()
                .run(plans.shuffled());

        System.out.printf(
                Locale.ROOT,
                "dataset crash test: %.1f s checking; versions %s; %d verifications, %d lineage edges repaired,"
                        + " %d stale temp files removed%n",
                checkNanos / 1e9,
                versionsSeen,
                versionsVerified,
                edgesRepaired,
                tempFilesFound);
        assertThat(histogram.countOf(CrashLoop.HALT)).as("halts").isGreaterThanOrEqualTo(30);
        assertThat(histogram.countOf(CrashLoop.SIGKILL)).as("SIGKILLs").isEqualTo(SIGKILLS);
        for (String phase : PHASE_ORDER) {
            assertThat(histogram.count(PHASES.get(phase), CrashLoop.HALT))
                    .as("halts in phase %s", phase)
                    .isGreaterThanOrEqualTo(MIN_HALTS_PER_PHASE);
        }
        assertThat(edgesRepaired)
                .as("lineage edges repaired: a halt before an edge is linked leaves it missing")
                .isGreaterThanOrEqualTo(histogram.count(
                        phaseStep(DatasetCrashWorkload.LINEAGE, StoreSteps.STEP_RECORD_WRITTEN), CrashLoop.HALT));
        assertThat(tempFilesFound).as("temp files left by dead children").isPositive();
    }

    private void checkAfterDeath(KillOutcome outcome) {
        long started = System.nanoTime();
        long left = LakeTempFiles.count(lake);
        if (outcome.plan() instanceof KillPlan.Halt halt) {
            checkTempFilesAfterHalt(halt.point().step(), left);
        }
        tempFilesFound += left;
        try (LocalObjectStore store = LakeTempFiles.reopenRemoving(lake, left)) {
            withLake(store, mlops -> {
                for (String name : List.of(DatasetCrashWorkload.RAW, DatasetCrashWorkload.DERIVED)) {
                    verifyAll(mlops, name, outcome);
                }
                snapshotNext(mlops);
            });
        }
        checkNanos += System.nanoTime() - started;
    }

    /**
     * A halted child leaves the temp file of the write it halted in: exactly one where the snapshot's own thread
     * writes (trees, records, edges), and where contents are written in parallel also those of the other writers.
     */
    private static void checkTempFilesAfterHalt(String step, long left) {
        int writers = Mlops.defaultThreadCount();
        if (step.equals(CONTENT_WRITTEN)) {
            assertThat(left).as("temp files left by a halt at %s", step).isBetween(1L, (long) writers);
        } else if (step.equals(CONTENT_COMMITTED)) {
            assertThat(left).as("temp files left by a halt at %s", step).isBetween(0L, writers - 1L);
        } else {
            // record.temp-written: written, not linked; record.committed: linked, its temp name not yet removed
            assertThat(left).as("temp files left by a halt at %s", step).isEqualTo(1);
        }
    }

    private void verifyAll(Mlops mlops, String name, KillOutcome outcome) {
        Datasets datasets = mlops.datasets();
        ObjectStore store = mlops.objectStore();
        LineageIndex index = datasets.lineageIndex();
        long n = datasets.findLatest(name).map(DatasetVersion::getNumber).orElse(0L);
        assertThat(versionNumbers(store, name))
                .as("versions of %s, gap-free", name)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
        assertThat(n).as("versions of %s never disappear", name).isGreaterThanOrEqualTo(versionsSeen.get(name));
        long missing = 0;
        int repaired = 0;
        for (long v = 1; v <= n; v++) {
            DatasetVersion version = datasets.get(name, v);
            List<LineageEdge> edges = inputEdges(version);
            missing += edges.stream().filter(edge -> !index.contains(edge)).count();
            DatasetVerification verification = datasets.verify(version);
            versionsVerified++;
            assertThat(verification.problems())
                    .as("verification of %s", version)
                    .isEmpty();
            assertThat(verification.filesChecked()).isEqualTo(version.getFileCount());
            repaired += verification.edgesRepaired();
            for (LineageEdge edge : edges) {
                assertThat(index.contains(edge))
                        .as("edge %s after verify", edge)
                        .isTrue();
                assertThat(index.edgesFrom(edge.from()))
                        .as("downstream of %s", edge.from())
                        .contains(edge);
            }
        }
        assertThat(repaired)
                .as("edges of %s that verify rewrote: those the child had not written", name)
                .isEqualTo(missing);
        if (outcome.plan() instanceof KillPlan.Halt halt
                && halt.point().step().equals(phaseStep(DatasetCrashWorkload.LINEAGE, StoreSteps.STEP_RECORD_WRITTEN))
                && name.equals(DatasetCrashWorkload.DERIVED)) {
            assertThat(repaired)
                    .as("edges repaired after a halt before an edge was linked")
                    .isPositive();
        }
        edgesRepaired += repaired;
        versionsSeen.put(name, n);
    }

    /** Snapshots a new raw version and derives from it: both must get the next numbers, verify and read back. */
    private void snapshotNext(Mlops mlops) {
        Datasets datasets = mlops.datasets();
        long raws = datasets.findLatest(DatasetCrashWorkload.RAW)
                .map(DatasetVersion::getNumber)
                .orElse(0L);
        long deriveds = datasets.findLatest(DatasetCrashWorkload.DERIVED)
                .map(DatasetVersion::getNumber)
                .orElse(0L);
        Path source = dir.resolve("parent-source");
        byte[][] large = SourceTrees.readLargeBlobs(blobs);
        String label = "parent-" + parentRandom.nextLong();
        SourceTrees.writeRaw(source.resolve("raw"), parentRandom, label, SourceTrees.pickLarge(parentRandom, large, 7));
        DatasetVersion raw = datasets.snapshot(DatasetCrashWorkload.RAW)
                .directory(source.resolve("raw"))
                .message(label)
                .commit();
        assertThat(raw.getNumber()).as("the next raw version after a death").isEqualTo(raws + 1);
        assertThat(datasets.verify(raw).problems())
                .as("verification of %s", raw)
                .isEmpty();
        try (InputStream in = datasets.open(raw, "table.csv")) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(source.resolve("raw/table.csv")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        SourceTrees.writeDerived(source.resolve("derived"), parentRandom, raw, label);
        DatasetVersion derived = datasets.derive(DatasetCrashWorkload.DERIVED)
                .from(raw)
                .transform("featurize", "git:0000000", Map.of("label", label))
                .directory(source.resolve("derived"))
                .commit();
        assertThat(derived.getNumber())
                .as("the next derived version after a death")
                .isEqualTo(deriveds + 1);
        DatasetVerification verification = datasets.verify(derived);
        assertThat(verification.problems()).as("verification of %s", derived).isEmpty();
        assertThat(verification.edgesRepaired())
                .as("edges of a fresh commit, all written")
                .isZero();
        assertThat(datasets.lineageIndex().edgesFrom(LineageNode.dataset(raw.getName(), raw.getNumber())))
                .extracting(LineageEdge::to)
                .containsExactly(LineageNode.dataset(derived.getName(), derived.getNumber()));
        versionsSeen.put(DatasetCrashWorkload.RAW, raw.getNumber());
        versionsSeen.put(DatasetCrashWorkload.DERIVED, derived.getNumber());
    }

    private void withLake(Consumer<Mlops> action) {
        try (LocalObjectStore store = LocalObjectStore.open(lake)) {
            withLake(store, action);
        }
    }

    private static void withLake(LocalObjectStore store, Consumer<Mlops> action) {
        try (Mlops mlops =
                Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            action.accept(mlops);
        }
    }

    private static List<LineageEdge> inputEdges(DatasetVersion version) {
        List<LineageEdge> edges = new ArrayList<>();
        for (DatasetRef parent : version.getParents()) {
            edges.add(new LineageEdge(
                    LineageNode.dataset(parent.name(), parent.version()),
                    LineageNode.dataset(version.getName(), version.getNumber()),
                    LineageEdge.PARENT));
        }
        return edges;
    }

    static List<Long> versionNumbers(ObjectStore store, String dataset) {
        List<Long> numbers = new ArrayList<>();
        for (StoreKey key : store.list("datasets/" + dataset + "/v/")) {
            String name = key.name();
            assertThat(name).as("a key in the versions of %s", dataset).matches("[0-9]{8,}\\.json");
            numbers.add(Long.parseLong(name.substring(0, name.length() - ".json".length())));
        }
        return numbers;
    }

    private static List<String> recordSteps(String phase) {
        return List.of(
                phaseStep(phase, StoreSteps.STEP_RECORD_WRITTEN), phaseStep(phase, StoreSteps.STEP_RECORD_COMMITTED));
    }

    private static String phaseStep(String phase, String step) {
        return phase + "/" + step;
    }
}
