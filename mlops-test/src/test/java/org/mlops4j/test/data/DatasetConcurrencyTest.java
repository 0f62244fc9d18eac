package org.mlops4j.test.data;

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
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVerification;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.store.Digest;
import org.mlops4j.test.process.ChildGroup;
import org.mlops4j.test.process.ChildJvm;

/**
 * Acceptance test 4 of datasets (issue "Foundation 2"), concurrency half: two JVMs with four threads each snapshot
 * their own, always new, source trees into one dataset on one local lake ({@link DatasetConcurrencyWorkload}). The
 * versions are 1..N without a gap, each reported by exactly one committer; each record holds the digest and commit
 * id its committer was given and names the parent its committer gave; each version verifies clean and each lineage
 * edge is in the index. The stat cache is on, shared by both processes; each committer checks that its files read
 * back as its source holds them.
 */
class DatasetConcurrencyTest {
    /** The system property that sets how many snapshots each thread commits; 20 by default. */
    static final String ITERATIONS_PROPERTY = "mlops4j.concurrency.snapshots";

    private static final int PROCESSES = 2;
    private static final int THREADS = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private record Commit(long version, Digest digest, String commitId, String thread, long parent) {}

    @Test
    void shouldGiveDistinctGapFreeVerifiedVersionsWhenTwoProcessesSnapshotIntoOneDataset() {
        int iterations = Integer.getInteger(ITERATIONS_PROPERTY, 20);
        Path lake = dir.resolve("lake");
        ChildGroup.RaceResults results = ChildGroup.race(
                PROCESSES,
                p -> ChildJvm.builder(DatasetConcurrencyWorkload.class)
                        .name("snapshotter" + p)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                lake.toString(),
                                "p" + p,
                                Integer.toString(THREADS),
                                Integer.toString(iterations),
                                dir.resolve("work").toString(),
                                dir.resolve("cache").toString())
                        .build(),
                START_TIMEOUT,
                Duration.ofMinutes(3));
        assertThat(results.results()).as("each child's result").containsOnly("RESULT commits=" + THREADS * iterations);

        Map<Long, Commit> byVersion = new HashMap<>();
        for (String line : results.reportedLines()) {
            String[] f = line.split(" ");
            Commit commit = new Commit(Long.parseLong(f[0]), Digest.parse(f[1]), f[2], f[3], Long.parseLong(f[4]));
            Commit previous = byVersion.put(commit.version(), commit);
            assertThat(previous)
                    .as("version %d reported twice: %s and %s", commit.version(), previous, commit)
                    .isNull();
        }
        int n = PROCESSES * THREADS * iterations;
        assertThat(byVersion.keySet())
                .as("the versions the committers were given: each of 1..%d exactly once", n)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));

        try (Mlops mlops = Mlops.builder().localLake(lake).cacheDirectory(null).build()) {
            Datasets datasets = mlops.datasets();
            String name = DatasetConcurrencyWorkload.DATASET;
            assertThat(DatasetCrashTest.versionNumbers(mlops.objectStore(), name))
                    .as("the version records in the lake")
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
            assertThat(datasets.findLatest(name).map(DatasetVersion::getNumber)).contains((long) n);
            long files = 0;
            for (long v = 1; v <= n; v++) {
                Commit reported = byVersion.get(v);
                DatasetVersion version = datasets.get(name, v);
                assertThat(version.getCommitId())
                        .as("commit id of version %d", v)
                        .isEqualTo(reported.commitId());
                assertThat(version.getDigest()).as("digest of version %d", v).isEqualTo(reported.digest());
                assertThat(version.getMessage()).startsWith(reported.thread() + "-");
                List<DatasetRef> parents =
                        reported.parent() == 0 ? List.of() : List.of(new DatasetRef(name, reported.parent()));
                assertThat(version.getParents()).as("parents of version %d", v).isEqualTo(parents);
                DatasetVerification verification = datasets.verify(version);
                assertThat(verification.problems())
                        .as("verification of version %d", v)
                        .isEmpty();
                assertThat(verification.edgesRepaired())
                        .as("lineage edges of version %d: written at commit", v)
                        .isZero();
                files += verification.filesChecked();
                for (DatasetRef parent : parents) {
                    assertThat(datasets.lineageIndex().edgesFrom(LineageNode.dataset(name, parent.version())))
                            .as("downstream of version %d", parent.version())
                            .containsExactly(new LineageEdge(
                                    LineageNode.dataset(name, parent.version()),
                                    LineageNode.dataset(name, v),
                                    LineageEdge.PARENT));
                }
            }
            assertThat(byVersion.values().stream()
                            .map(Commit::digest)
                            .distinct()
                            .count())
                    .as("distinct trees")
                    .isEqualTo(n);
            System.out.printf(
                    Locale.ROOT,
                    "dataset concurrency: %d processes x %d threads x %d snapshots into one dataset in %.1f s:"
                            + " N=%d versions, %d files verified%n",
                    PROCESSES,
                    THREADS,
                    iterations,
                    results.seconds(),
                    n,
                    files);
        }
    }
}
