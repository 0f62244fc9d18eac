package org.mlops4j.data.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The expected values computed by {@code src/test/resources/profile/expected.py}, and helpers to check ranks. */
final class Expected {
    static final String FIXTURE = "/profile/fixture.csv";
    private static final String EXPECTED = "/profile/expected.json";

    private Expected() {}

    static JsonNode load() {
        try (InputStream in = Expected.class.getResourceAsStream(EXPECTED)) {
            if (in == null) {
                throw new IllegalStateException(EXPECTED + " is missing; run expected.py");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream fixture() {
        InputStream in = Expected.class.getResourceAsStream(FIXTURE);
        if (in == null) {
            throw new IllegalStateException(FIXTURE + " is missing; run expected.py generate");
        }
        return in;
    }

    /** Returns the exact frequency of each key of a column, as the script counted them. */
    static Map<String, Long> frequencies(JsonNode column) {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode pair : column.get("frequencies")) {
            out.put(pair.get(0).asText(), pair.get(1).asLong());
        }
        return out;
    }

    /** Returns every value of a numeric column, sorted, expanded from the script's frequencies. */
    static double[] sortedValues(JsonNode column) {
        long n = column.get("count").asLong();
        double[] values = new double[(int) n];
        int at = 0;
        for (JsonNode pair : column.get("frequencies")) {
            double x = Double.parseDouble(pair.get(0).asText());
            for (long i = 0; i < pair.get(1).asLong(); i++) {
                values[at++] = x;
            }
        }
        Arrays.sort(values);
        return values;
    }

    /**
     * Returns how far, as a fraction of n, the true rank interval of {@code x} in {@code sorted} lies from the
     * nominal rank {@code percent/100 * n}: 0 when x is an exact answer.
     */
    static double rankError(double[] sorted, double x, int percent) {
        long below = lowerBound(sorted, x);
        long atOrBelow = upperBound(sorted, x);
        // in hundredths of a rank, exactly
        long target = (long) percent * sorted.length;
        double scale = 100.0 * sorted.length;
        if (target < below * 100) {
            return (below * 100 - target) / scale;
        }
        if (target > atOrBelow * 100) {
            return (target - atOrBelow * 100) / scale;
        }
        return 0;
    }

    private static int lowerBound(double[] a, double x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[m] < x) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[m] <= x) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }
}
