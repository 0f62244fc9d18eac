package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.Digest;

/**
 * Fuzzes the tree reader ({@code docs/lake-format.md} §14) with untrusted bytes, read as a stored tree is read after
 * its digest matched: {@code tree/2} by its header, anything else as {@code tree/1} JSON. Each read must return or
 * throw {@link LakeFormatException} naming the tree, or {@link UnsafePathException} for a name that breaks the path
 * rules; anything else (an index out of bounds, an allocation sized by a hostile count, a hang) is a finding. An
 * accepted {@code tree/2} must be canonical: the Java writer gives the same bytes back.
 *
 * <p>{@code ./mvnw verify} replays the seeds in {@code src/test/resources/org/mlops4j/data/TreeFormatFuzzTestInputs/
 * fuzzTree/}: the tree golden vectors, valid and invalid. {@code docs/lake-format.md} §10 has the command for a
 * fuzzing run.
 */
class TreeFormatFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();

    @FuzzTest(maxDuration = "10m")
    void fuzzTree(byte[] data) {
        INPUTS.incrementAndGet();
        Digest tree = Digest.of(data);
        try {
            List<Trees.Entry> entries = Trees.decode(data, tree, "fuzz");
            if (TreeEncoding.isBinary(data) && !Arrays.equals(Trees.encode(entries), data)) {
                throw new AssertionError("accepted a tree/2 the writer would not write");
            }
        } catch (LakeFormatException e) {
            if (!e.getMessage().contains(tree.hex())) {
                throw new AssertionError("a rejection that does not name tree " + tree, e);
            }
        } catch (UnsafePathException e) {
            // a name the path rules refuse, as on snapshot and checkout
        }
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
        System.out.println("TreeFormatFuzzTest ran " + INPUTS.get() + " inputs");
    }
}
