package org.mlops4j.test.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.VersionAllocator.AllocatedVersion;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.StepTracker;
import org.mlops4j.test.process.StoreSteps;

/**
 * A child of {@link ObjectStoreCrashTest} that writes until it is halted or killed: content (mostly small and new,
 * sometimes one of a few large blobs, so that a kill can land in the middle of a long write), a version record that
 * names the content, and the pointer moved to that version.
 *
 * <p>Arguments: lake directory, random seed, directory of the large blobs ({@link #writeLargeBlobs}). Its steps: the store's {@code STEP_*} names, pointer steps suffixed
 * with {@code /champion} or {@code /hint} (the allocator's hint is a pointer too), and the workload's own
 * {@code workload.*} steps before each operation.
 */
public final class CrashWorkload {
    static final String PUT_CONTENT = "workload.put-content";
    static final String ALLOCATE = "workload.allocate";
    static final String MOVE_POINTER = "workload.move-pointer";
    static final int[] LARGE_SIZES = {3 << 20, 5 << 20, 8 << 20};

    private CrashWorkload() {}

    /** The step name a store step is reported under: pointer steps say which pointer. */
    static String stepName(String step, StoreKey key) {
        if (!step.startsWith("pointer.")) {
            return step;
        }
        return step + (key.equals(StoreRecords.POINTER) ? "/champion" : "/hint");
    }

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        Path root = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        byte[][] large = readLargeBlobs(Path.of(args[2]));
        // Warm up the JSON code before READY, so that random kills land in the writes, not in class loading.
        var unused = StoreRecords.commitIdOf(StoreRecords.versionRecord("warm-up", 1, Digest.of(large[0])));
        String writer = "crash-" + ProcessHandle.current().pid();
        try (LocalObjectStore store = StoreSteps.reporting(
                        LocalObjectStore.builder().root(root), (step, key) -> steps.reach(stepName(step, key)))
                .build()) {
            VersionAllocator allocator = new VersionAllocator(store);
            parent.ready();
            for (long i = 1; ; i++) {
                byte[] content = random.nextInt(10) == 0
                        ? large[random.nextInt(large.length)]
                        : randomBytes(random, 1 + random.nextInt(32 * 1024));
                steps.reach(PUT_CONTENT);
                ContentInfo info = store.putContent(new ByteArrayInputStream(content));
                String commit = writer + "-" + i;
                steps.reach(ALLOCATE);
                AllocatedVersion version = allocator.allocate(
                        StoreRecords.SERIES,
                        commit,
                        n -> StoreRecords.versionRecord(commit, n, info.digest()),
                        StoreRecords::commitIdOf);
                steps.reach(MOVE_POINTER);
                var unusedMove = StoreRecords.movePointer(store, version.number(), commit, writer);
            }
        }
    }

    /**
     * Writes the large blobs the children write again and again: the same few in every child, so that the lake
     * stays small (a blob already stored is written to a temp file, hashed, and dropped).
     */
    static void writeLargeBlobs(Path directory) {
        try {
            Files.createDirectories(directory);
            for (int i = 0; i < LARGE_SIZES.length; i++) {
                Files.write(directory.resolve("blob-" + i), randomBytes(new SplittableRandom(i), LARGE_SIZES[i]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[][] readLargeBlobs(Path directory) {
        byte[][] blobs = new byte[LARGE_SIZES.length][];
        try {
            for (int i = 0; i < blobs.length; i++) {
                blobs[i] = Files.readAllBytes(directory.resolve("blob-" + i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blobs;
    }

    static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return bytes;
    }
}
