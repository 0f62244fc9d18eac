package org.mlops4j.test.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.SnapshotBuilder;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.StepTracker;
import org.mlops4j.test.process.StoreSteps;

/**
 * A child of {@link DatasetCrashTest} that snapshots until it is halted or killed: each iteration rewrites a small
 * source tree ({@link SourceTrees#writeRaw}, sometimes with a large file), snapshots it as dataset {@value #RAW},
 * then derives a version of {@value #DERIVED} from it (and sometimes from the raw version before it too), so that
 * lineage edges are written after the record.
 *
 * <p>Arguments: lake directory, random seed, work directory (its source trees), directory of the large blobs. The
 * store's steps are reported under the snapshot phase their key belongs to ({@link #phaseOf}): {@code contents/…}
 * for file contents (packs of small files, large files whole), {@code packs/…} for the records that announce packs,
 * {@code trees/…} for tree manifests, {@code record/…} for version records, {@code lineage/…} for
 * reverse lineage edges and {@code hint/…} for the version allocator's hint; the workload's own steps are
 * {@code workload.*}.
 */
public final class DatasetCrashWorkload {
    static final String RAW = "raw";
    static final String DERIVED = "features";

    static final String CONTENTS = "contents";
    static final String PACKS = "packs";
    static final String TREES = "trees";
    static final String RECORD = "record";
    static final String LINEAGE = "lineage";
    static final String HINT = "hint";
    static final String OTHER = "other";

    static final String GENERATE = "workload.generate";
    static final String SNAPSHOT = "workload.snapshot";
    static final String DERIVE = "workload.derive";

    private DatasetCrashWorkload() {}

    /** Returns the snapshot phase a key is written in. */
    static String phaseOf(StoreKey key) {
        String value = key.value();
        if (ObjectStore.isContentKey(key)) {
            return CONTENTS;
        }
        if (value.startsWith("packs/")) {
            return PACKS;
        }
        if (value.startsWith("trees/")) {
            return TREES;
        }
        if (value.startsWith("datasets/")) {
            return value.endsWith(".hint") ? HINT : RECORD;
        }
        if (value.startsWith("lineage/")) {
            return LINEAGE;
        }
        return OTHER;
    }

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        Path lake = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        Path work =
                Path.of(args[2]).resolve(Long.toString(ProcessHandle.current().pid()));
        byte[][] blobs = SourceTrees.readLargeBlobs(Path.of(args[3]));
        String writer = "crash-" + ProcessHandle.current().pid();

        // Warm up on a scratch lake, untracked, so that random kills land in the writes rather than class loading.
        try (Mlops scratch = Mlops.builder()
                .localLake(work.resolve("warm-up-lake"))
                .cacheDirectory(null)
                .build()) {
            iterate(scratch.datasets(), work.resolve("warm-up"), new SplittableRandom(0), blobs, "warm-up", s -> {});
        }

        try (LocalObjectStore store = StoreSteps.reporting(
                                LocalObjectStore.builder().root(lake),
                                steps.phasedListener(DatasetCrashWorkload::phaseOf))
                        // the large files take the direct-I/O path, so that kills land in it too
                        .directWriteThreshold(SourceTrees.LARGE_SIZES[0])
                        .build();
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            parent.ready();
            for (long i = 1; ; i++) {
                iterate(mlops.datasets(), work, random, blobs, writer + "-" + i, steps::reach);
            }
        }
    }

    private interface Steps {
        void reach(String step);
    }

    private static void iterate(
            Datasets datasets, Path work, SplittableRandom random, byte[][] blobs, String label, Steps steps) {
        Path rawSource = work.resolve("raw");
        Path derivedSource = work.resolve("derived");
        steps.reach(GENERATE);
        SourceTrees.writeRaw(rawSource, random, label, SourceTrees.pickLarge(random, blobs, label.hashCode()));
        steps.reach(SNAPSHOT);
        DatasetVersion raw = datasets.snapshot(RAW)
                .directory(rawSource)
                .author("crash-workload")
                .message(label)
                .commit();
        steps.reach(GENERATE);
        SourceTrees.writeDerived(derivedSource, random, raw, label);
        steps.reach(DERIVE);
        SnapshotBuilder derive = datasets.derive(DERIVED).from(raw);
        if (raw.getNumber() > 1 && random.nextBoolean()) {
            derive.from(new DatasetRef(RAW, raw.getNumber() - 1));
        }
        var unused = derive.transform("featurize", "git:0000000", Map.of("label", label))
                .directory(derivedSource)
                .author("crash-workload")
                .commit();
    }
}
