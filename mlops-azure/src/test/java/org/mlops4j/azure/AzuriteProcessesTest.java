package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVerification;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.process.ChildGroup;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillPlans;

/**
 * Issue 21, acceptance 1, the multi-process half on Azurite: two JVMs with four threads each snapshot into one dataset
 * (versions 1..N without a gap, each reported by exactly one committer, each verifying clean), and a snapshotting JVM
 * killed with SIGKILL at random times ({@code mlops4j.azure.sigkills}: 10 by default, 32 with
 * {@code -Pazure-acceptance}) (after each death: versions gap-free, every version verifies clean, the
 * next snapshot gets the next number).
 */
class AzuriteProcessesTest {
    private static final String SEED_PROPERTY = "mlops4j.crash.seed";
    private static final int PROCESSES = 2;
    private static final int THREADS = 4;
    /** The kills of the crash test: 10 in the default build, 32 with {@code -Pazure-acceptance} (acceptance 1). */
    private static final int SIGKILLS = Integer.getInteger("mlops4j.azure.sigkills", 10);

    @TempDir
    Path dir;

    private record Commit(long version, Digest digest, String commitId, String thread, long parent) {}

    @Test
    void shouldGiveDistinctGapFreeVerifiedVersionsWhenTwoProcessesSnapshotIntoOneDatasetOnAzurite() {
        int iterations = Integer.getInteger("mlops4j.concurrency.snapshots", 5);
        AzuriteServer azurite = AzuriteServer.shared();
        String container = AzuriteLakes.newContainerName("concurrency");
        ChildGroup.RaceResults results = ChildGroup.race(
                PROCESSES,
                p -> ChildJvm.builder(AzuriteSnapshotWorkload.class)
                        .name("snapshotter" + p)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                "race",
                                Integer.toString(azurite.getPort()),
                                container,
                                "p" + p,
                                Integer.toString(THREADS),
                                Integer.toString(iterations),
                                dir.resolve("work").toString())
                        .build(),
                Duration.ofSeconds(60),
                Duration.ofMinutes(3));
        assertThat(results.results()).as("each child's result").containsOnly("RESULT commits=" + THREADS * iterations);

        Map<Long, Commit> byVersion = new HashMap<>();
        for (String line : results.reportedLines()) {
            String[] f = line.split(" ", -1);
            Commit commit = new Commit(Long.parseLong(f[0]), Digest.parse(f[1]), f[2], f[3], Long.parseLong(f[4]));
            assertThat(byVersion.put(commit.version(), commit))
                    .as("version %d reported twice", commit.version())
                    .isNull();
        }
        int n = PROCESSES * THREADS * iterations;
        assertThat(byVersion.keySet()).containsExactlyInAnyOrderElementsOf(range(n));
        try (AzureBlobObjectStore store = AzuriteSnapshotWorkload.open(azurite.getPort(), container);
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            Datasets datasets = mlops.datasets();
            assertThat(versionNumbers(store)).as("the version records").containsExactlyElementsOf(range(n));
            for (long v = 1; v <= n; v++) {
                Commit reported = byVersion.get(v);
                DatasetVersion version = datasets.get(AzuriteSnapshotWorkload.DATASET, v);
                assertThat(version.getCommitId()).as("commit id of %d", v).isEqualTo(reported.commitId());
                assertThat(version.getDigest()).as("digest of %d", v).isEqualTo(reported.digest());
                assertThat(version.getParents())
                        .as("parents of %d", v)
                        .isEqualTo(
                                reported.parent() == 0
                                        ? List.of()
                                        : List.of(new DatasetRef(AzuriteSnapshotWorkload.DATASET, reported.parent())));
                DatasetVerification verification = datasets.verify(version);
                assertThat(verification.problems()).as("verification of %d", v).isEmpty();
                assertThat(verification.edgesRepaired()).as("edges of %d", v).isZero();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "Azurite dataset concurrency: %d processes x %d threads x %d snapshots in %.1f s, N=%d%n",
                PROCESSES,
                THREADS,
                iterations,
                results.seconds(),
                n);
    }

    @Test
    void shouldVerifyCleanAndSnapshotAgainWhenTheSnapshotterIsKilledOnAzurite() {
        long seed = CrashLoop.seed(SEED_PROPERTY, "Azurite crash test");
        Random random = new Random(seed);
        AzuriteServer azurite = AzuriteServer.shared();
        String container = AzuriteLakes.newContainerName("crash");
        long[] checked = {0};
        List<Long> versionsAfterKills = new ArrayList<>();
        SplittableRandom parentRandom = new SplittableRandom(seed);

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(AzuriteSnapshotWorkload.class)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                "loop",
                                Integer.toString(azurite.getPort()),
                                container,
                                "child",
                                "1",
                                "0",
                                dir.resolve("work").toString())
                        .haltAsPlanned(plan)
                        .build())
                .afterEach(outcome -> {
                    try (AzureBlobObjectStore store = AzuriteSnapshotWorkload.open(azurite.getPort(), container);
                            Mlops mlops = Mlops.builder()
                                    .objectStore(store)
                                    .cacheDirectory(null)
                                    .build()) {
                        Datasets datasets = mlops.datasets();
                        long n = datasets.findLatest(AzuriteSnapshotWorkload.DATASET)
                                .map(DatasetVersion::getNumber)
                                .orElse(0L);
                        assertThat(versionNumbers(store))
                                .as("versions, gap-free")
                                .containsExactlyElementsOf(range(n));
                        assertThat(n).as("versions never disappear").isGreaterThanOrEqualTo(checked[0]);
                        for (long v = checked[0] + 1; v <= n; v++) {
                            DatasetVersion version = datasets.get(AzuriteSnapshotWorkload.DATASET, v);
                            DatasetVerification verification = datasets.verify(version);
                            assertThat(verification.problems())
                                    .as("verification of %s", version)
                                    .isEmpty();
                            assertThat(verification.filesChecked()).isEqualTo(version.getFileCount());
                        }
                        // the next snapshot converges: it gets n + 1 and verifies clean
                        Path source = dir.resolve("parent-work");
                        AzuriteSnapshotWorkload.writeTree(source, parentRandom, "parent-" + n);
                        DatasetVersion next = AzuriteSnapshotWorkload.commit(
                                datasets,
                                source,
                                "parent-" + n,
                                datasets.findLatest(AzuriteSnapshotWorkload.DATASET)
                                        .orElse(null));
                        assertThat(next.getNumber()).isEqualTo(n + 1);
                        assertThat(datasets.verify(next).isClean()).isTrue();
                        checked[0] = n + 1;
                        versionsAfterKills.add(n + 1);
                    }
                })
                .report("Azurite crash test", System.out)
                .build()
                .run(new KillPlans(random)
                        .sigkills(SIGKILLS, Duration.ofMillis(1500))
                        .shuffled());

        assertThat(histogram.countOf(CrashLoop.SIGKILL)).as("SIGKILLs").isEqualTo(SIGKILLS);
        assertThat(versionsAfterKills).hasSize(SIGKILLS).isSorted();
        System.out.printf(Locale.ROOT, "Azurite crash test: versions after each kill %s%n", versionsAfterKills);
    }

    private static List<Long> range(long n) {
        return LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    }

    /** The version numbers whose records are in the lake, in order. */
    private static List<Long> versionNumbers(ObjectStore store) {
        return store.list("datasets/" + AzuriteSnapshotWorkload.DATASET + "/v/").stream()
                .map(StoreKey::name)
                .filter(name -> name.endsWith(".json"))
                .map(name -> Long.parseLong(name.substring(0, name.length() - ".json".length())))
                .sorted()
                .collect(Collectors.toList());
    }
}
