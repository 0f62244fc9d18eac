package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The streaming state of one column: type candidates, counts, compensated sum, KLL sketch, Misra–Gries counters,
 * HyperLogLog registers, the reservoir, exact value counts up to a cap with a hash partition beside them, and the
 * numeric cell counts, all of bounded size. Not thread-safe.
 */
final class ColumnAccumulator {
    private static final int[] PERCENTS = new int[NumericSummary.PERCENTILE_COUNT];

    static {
        for (int i = 0; i < PERCENTS.length; i++) {
            PERCENTS[i] = i;
        }
    }

    private final String name;
    private final int maxValueLength;
    private final int sketchK;
    private long nulls;
    private long count;
    private boolean maybeInteger = true;
    private boolean maybeDecimal = true;
    private boolean maybeBoolean = true;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private double compensation;
    private double runningMean;
    private @Nullable KllSketch sketch;
    private final MisraGries top;
    private final HyperLogLog hll = new HyperLogLog();
    private boolean truncated;
    private final ReservoirSampler sampler;
    private final String[] sampleText;
    private double @Nullable [] sampleNumbers;
    private long parsedLong;
    private final int maxCategories;
    private @Nullable HashMap<String, long[]> categories = new HashMap<>();
    private final long[] buckets = new long[CategoryCounts.HASH_BUCKETS];
    private @Nullable CellCounter cells;

    ColumnAccumulator(String name, ProfileOptions options, long sketchSeed, long sampleSeed) {
        this.name = name;
        this.maxValueLength = options.getMaxValueLength();
        this.sketchK = options.getSketchK();
        this.sketch = new KllSketch(options.getSketchK(), sketchSeed);
        this.top = new MisraGries(options.getTopK());
        this.sampler = new ReservoirSampler(options.getSampleSize(), sampleSeed);
        this.sampleText = new String[options.getSampleSize()];
        this.sampleNumbers = new double[options.getSampleSize()];
        this.maxCategories = options.getMaxCategories();
        this.cells = new CellCounter(options.getMaxBins());
    }

    void accept(String value) {
        if (value.isEmpty()) {
            nulls++;
            return;
        }
        count++;
        long hash = HyperLogLog.hash(value);
        hll.add(hash);
        String key = cap(value, maxValueLength);
        if (key.length() != value.length()) {
            truncated = true;
            hash = HyperLogLog.hash(key);
        }
        top.add(key);
        countCategory(key, hash);
        if (maybeBoolean && !isBoolean(value)) {
            maybeBoolean = false;
        }
        double x = 0;
        if (maybeDecimal) {
            if (maybeInteger && parseLong(value)) {
                x = (double) parsedLong;
            } else {
                maybeInteger = false;
                boolean ok = isDecimalSyntax(value);
                if (ok) {
                    x = Double.parseDouble(value);
                    ok = Double.isFinite(x);
                }
                if (!ok) {
                    dropNumeric();
                }
            }
        }
        if (maybeDecimal) {
            addNumber(x);
        }
        int slot = sampler.offer();
        if (slot >= 0) {
            sampleText[slot] = key;
            double[] numbers = sampleNumbers;
            if (numbers != null) {
                numbers[slot] = x;
            }
        }
    }

    /** Counts a value exactly while there are at most maxCategories distinct ones, and in its hash bucket always. */
    private void countCategory(String key, long hash) {
        buckets[(int) (hash & (CategoryCounts.HASH_BUCKETS - 1))]++;
        HashMap<String, long[]> exact = categories;
        if (exact == null) {
            return;
        }
        long[] counter = exact.get(key);
        if (counter != null) {
            counter[0]++;
        } else if (exact.size() < maxCategories) {
            exact.put(key, new long[] {1});
        } else {
            categories = null; // one value too many: from now on the partition only (the same for any row order)
        }
    }

    private void addNumber(double x) {
        if (x < min) {
            min = x;
        }
        if (x > max) {
            max = x;
        }
        // Neumaier's compensated sum, and a running mean that cannot overflow as a fallback
        double t = sum + x;
        if (Math.abs(sum) >= Math.abs(x)) {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
        runningMean += x / count - runningMean / count;
        KllSketch s = sketch;
        if (s != null) {
            s.add(x);
        }
        CellCounter c = cells;
        if (c != null) {
            c.add(x);
        }
    }

    private void dropNumeric() {
        maybeDecimal = false;
        maybeInteger = false;
        sketch = null;
        sampleNumbers = null;
        cells = null;
    }

    ColumnProfile finish() {
        ColumnType type;
        if (count == 0) {
            type = ColumnType.STRING;
        } else if (maybeInteger) {
            type = ColumnType.INTEGER;
        } else if (maybeDecimal) {
            type = ColumnType.DECIMAL;
        } else if (maybeBoolean) {
            type = ColumnType.BOOLEAN;
        } else {
            type = ColumnType.STRING;
        }
        boolean isBoolean = type.equals(ColumnType.BOOLEAN);

        Map<String, Long> counts = new HashMap<>();
        for (Map.Entry<String, Long> e : top.entries()) {
            String key = isBoolean ? asciiLower(e.getKey()) : e.getKey();
            counts.merge(key, e.getValue(), Long::sum);
        }
        List<ValueCount> tops = new ArrayList<>(counts.size());
        long topSum = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            tops.add(new ValueCount(e.getKey(), e.getValue()));
            topSum += e.getValue();
        }
        tops.sort(Comparator.comparingLong(ValueCount::count)
                .reversed()
                .thenComparing(ValueCount::value, ColumnAccumulator::compareCodePoints));
        boolean distinctExact = top.isExact() && !truncated;
        long distinct = distinctExact ? counts.size() : hll.estimate();

        int filled = sampler.filled();
        List<String> sample = new ArrayList<>(filled);
        NumericSummary numeric = null;
        ValueHistogram histogram = null;
        CategoryCounts categoryCounts = null;
        if (type.isNumeric() && count > 0) {
            double[] numbers = Arrays.copyOf(sampleNumbersOrEmpty(), filled);
            Arrays.sort(numbers);
            for (double d : numbers) {
                sample.add(Decimals.format(d));
            }
            KllSketch s = sketch;
            double[] ps = s == null ? new double[PERCENTS.length] : s.percentiles(PERCENTS);
            ps[0] = min;
            ps[ps.length - 1] = max;
            List<Double> percentiles = new ArrayList<>(ps.length);
            for (double p : ps) {
                percentiles.add(Math.min(max, Math.max(min, p)));
            }
            double mean = (sum + compensation) / count;
            if (!Double.isFinite(mean)) {
                mean = runningMean;
            }
            mean = Math.min(max, Math.max(min, mean));
            numeric = new NumericSummary(min, max, mean, percentiles, s == null || s.isExact(), sketchK);
            histogram = Objects.requireNonNull(cells, "cells").finish();
        } else {
            categoryCounts = categoryCounts(isBoolean);
            for (int i = 0; i < filled; i++) {
                sample.add(isBoolean ? asciiLower(sampleText[i]) : sampleText[i]);
            }
            sample.sort(ColumnAccumulator::compareCodePoints);
        }
        return new ColumnProfile(
                name,
                type,
                count,
                nulls,
                distinct,
                distinctExact,
                tops,
                count - topSum,
                top.isExact(),
                sample,
                numeric,
                histogram,
                categoryCounts);
    }

    private CategoryCounts categoryCounts(boolean isBoolean) {
        HashMap<String, long[]> exact = categories;
        if (exact == null) {
            return CategoryCounts.hashed(buckets);
        }
        Map<String, Long> counts = new HashMap<>();
        for (Map.Entry<String, long[]> e : exact.entrySet()) {
            counts.merge(isBoolean ? asciiLower(e.getKey()) : e.getKey(), e.getValue()[0], Long::sum);
        }
        return CategoryCounts.exact(counts);
    }

    private double[] sampleNumbersOrEmpty() {
        double[] numbers = sampleNumbers;
        return numbers == null ? new double[0] : numbers;
    }

    /** Parses {@code [+-]?[0-9]+} within the range of a long into {@link #parsedLong}, without exceptions. */
    private boolean parseLong(String s) {
        int len = s.length();
        int i = 0;
        boolean negative = false;
        char first = s.charAt(0);
        if (first == '-' || first == '+') {
            negative = first == '-';
            i = 1;
            if (len == 1) {
                return false;
            }
        }
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long result = 0;
        for (; i < len; i++) {
            int digit = s.charAt(i) - '0';
            if (digit < 0 || digit > 9 || result < multmin) {
                return false;
            }
            result *= 10;
            if (result < limit + digit) {
                return false;
            }
            result -= digit;
        }
        parsedLong = negative ? result : -result;
        return true;
    }

    /** Returns true for {@code [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?}. */
    static boolean isDecimalSyntax(String s) {
        int len = s.length();
        int i = 0;
        if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < len && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < len && s.charAt(i) == '.') {
            i++;
            while (i < len && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < len && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < len && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == len;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isBoolean(String s) {
        return asciiEqualsIgnoreCase(s, "true") || asciiEqualsIgnoreCase(s, "false");
    }

    private static boolean asciiEqualsIgnoreCase(String s, String lower) {
        if (s.length() != lower.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String asciiLower(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return sb.toString();
    }

    /** Cuts {@code s} to {@code max} code points, never inside a surrogate pair; returns {@code s} itself if short. */
    static String cap(String s, int max) {
        if (s.length() <= max || s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max));
    }

    /** Orders strings by code point (as their UTF-8 bytes sort), not by UTF-16 unit. */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                if (Character.isSurrogate(ca) || Character.isSurrogate(cb)) {
                    return Integer.compare(a.codePointAt(i), b.codePointAt(i));
                }
                return Character.compare(ca, cb);
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
