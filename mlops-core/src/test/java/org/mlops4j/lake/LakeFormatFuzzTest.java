package org.mlops4j.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.JsonLimits;
import org.mlops4j.lake.internal.LakeDescriptor;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.store.Digest;

/**
 * Fuzzes every parser of the lake format with arbitrary bytes: the strict canonical JSON reader (with small limits,
 * so that TOO_LARGE and TOO_DEEP are reachable), the {@code lake.json} reader, a record reader that uses every typed
 * getter, and {@link Digest#parse}. Each must return or throw {@link LakeFormatException} ({@link Digest#parse}: its
 * documented {@link IllegalArgumentException}); any other exception, or a hang, is a finding. Accepted input must
 * be canonical: re-writing what was read gives the same bytes.
 *
 * <p>{@code ./mvnw verify} replays the seeds in {@code src/test/resources/org/mlops4j/lake/LakeFormatFuzzTestInputs/
 * fuzzLakeFormat/}; {@code docs/lake-format.md} has the command for a fuzzing run.
 */
class LakeFormatFuzzTest {
    /** The format of the sample record the fuzzer reads; the seeds hold valid and broken examples of it. */
    static final RecordFormat SAMPLE = RecordFormat.of("mlops4j.fuzz-sample", 1);

    private static final JsonLimits SMALL = new JsonLimits(2048, 8);
    private static final AtomicLong INPUTS = new AtomicLong();

    @FuzzTest(maxDuration = "10m")
    void fuzzLakeFormat(byte[] data) {
        INPUTS.incrementAndGet();
        strictReader(data);
        lakeDescriptor(data);
        sampleRecord(data);
        digest(data);
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
        System.out.println("LakeFormatFuzzTest ran " + INPUTS.get() + " inputs");
    }

    private static void strictReader(byte[] data) {
        try {
            Object value = CanonicalJson.read(data, SMALL);
            byte[] again = CanonicalJson.write(value, SMALL);
            if (!Arrays.equals(again, data)) {
                throw new AssertionError(
                        "accepted non-canonical input; canonical form is " + new String(again, StandardCharsets.UTF_8));
            }
        } catch (LakeFormatException e) {
            checkException(e);
        }
    }

    private static void lakeDescriptor(byte[] data) {
        try {
            LakeDescriptor descriptor = LakeDescriptor.parse(data);
            if (!Arrays.equals(descriptor.toBytes(), data)) {
                throw new AssertionError("accepted a lake.json other than the canonical one");
            }
        } catch (LakeFormatException e) {
            checkException(e);
        }
    }

    /** Reads the sample record with every getter, optional fields with {@code find*} so the fuzzer gets deep. */
    private static void sampleRecord(byte[] data) {
        try {
            RecordReader r = RecordReader.parse(data, SAMPLE, "fuzz");
            List<Object> read = new ArrayList<>();
            read.add(r.findString("name"));
            if (r.has("size")) {
                read.add(r.getLong("size", 0, Long.MAX_VALUE));
            }
            read.add(r.findLong("count"));
            read.add(r.findBoolean("flag"));
            read.add(r.findDigest("root"));
            if (r.has("parents")) {
                read.add(r.getDigestList("parents"));
            }
            if (r.has("columns")) {
                read.add(r.getStringList("columns"));
            }
            if (r.has("counts")) {
                read.add(r.getLongList("counts"));
            }
            if (r.has("tags")) {
                read.add(r.getStringMap("tags"));
            }
            if (r.has("createdAt")) {
                read.add(r.getParsed("createdAt", Instant::parse));
            }
            if (r.has("entries")) {
                for (RecordReader entry : r.getObjectList("entries")) {
                    read.add(entry.getString("path"));
                    read.add(entry.findLong("size"));
                    read.add(entry.findDigest("digest"));
                }
            }
            Optional<RecordReader> transform = r.findObject("transform");
            if (transform.isPresent()) {
                read.add(transform.get().getString("name"));
                if (transform.get().has("parameters")) {
                    read.add(String.valueOf(transform.get().getValue("parameters")));
                }
            }
            r.finish();
            if (read.isEmpty()) {
                throw new AssertionError("the reader read nothing");
            }
        } catch (LakeFormatException e) {
            checkException(e);
        }
    }

    private static void digest(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Digest digest = Digest.parse(text);
            if (!digest.toString().equals(text)) {
                throw new AssertionError("Digest.parse accepted a non-canonical form: " + text);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null) {
                throw new AssertionError("IllegalArgumentException without a message", e);
            }
        }
    }

    private static void checkException(LakeFormatException e) {
        if (e.getMessage() == null || e.getPath().isEmpty() || !e.getPath().startsWith("$")) {
            throw new AssertionError("LakeFormatException without message or path", e);
        }
    }
}
