package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the profile of the committed fixture against {@code expected.json}, which {@code expected.py} computed
 * independently (Python standard library): counts, types, min and max exactly, the mean to 1e-9 relative, the
 * percentiles within the sketch's documented rank error, top values within the Misra–Gries guarantees, and the
 * sample against the column's values.
 */
class CsvProfilerFixtureTest {
    private static JsonNode expected;
    private static TableProfile profile;

    @BeforeAll
    static void profileFixture() throws IOException {
        expected = Expected.load();
        try (InputStream in = Expected.fixture()) {
            profile = CsvProfiler.ofDefaults().profile(in);
        }
    }

    @Test
    void shouldCountRowsAndNameColumnsInHeaderOrder() {
        assertThat(profile.getRowCount()).isEqualTo(expected.get("rowCount").asLong());
        assertThat(profile.getColumns()).hasSize(expected.get("columns").size());
        for (int i = 0; i < profile.getColumns().size(); i++) {
            assertThat(profile.getColumns().get(i).getName())
                    .isEqualTo(expected.get("columns").get(i).get("name").asText());
        }
    }

    @Test
    void shouldInferTypesAndCountNullsAsTheScriptDid() {
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            assertThat(c.getType()).as(c.getName()).hasToString(e.get("type").asText());
            assertThat(c.getCount()).as(c.getName()).isEqualTo(e.get("count").asLong());
            assertThat(c.getNullCount())
                    .as(c.getName())
                    .isEqualTo(e.get("nullCount").asLong());
        }
    }

    @Test
    void shouldGiveExactMinMaxAndAnAccurateMeanForNumericColumns() {
        int numeric = 0;
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            assertThat(c.getNumeric().isPresent()).as(c.getName()).isEqualTo(e.has("mean"));
            if (!e.has("mean")) {
                continue;
            }
            numeric++;
            NumericSummary s = c.getNumeric().orElseThrow();
            assertThat(s.getMin()).as(c.getName()).isEqualTo(e.get("min").asDouble());
            assertThat(s.getMax()).as(c.getName()).isEqualTo(e.get("max").asDouble());
            double mean = e.get("mean").asDouble();
            assertThat(s.getMean()).as(c.getName()).isCloseTo(mean, within(1e-9 * Math.abs(mean)));
        }
        assertThat(numeric).isGreaterThanOrEqualTo(6);
    }

    @Test
    void shouldKeepPercentilesWithinTheDocumentedRankError() {
        for (JsonNode e : expected.get("columns")) {
            if (!e.has("percentiles")) {
                continue;
            }
            ColumnProfile c = column(e);
            NumericSummary s = c.getNumeric().orElseThrow();
            double[] sorted = Expected.sortedValues(e);
            assertThat(s.getPercentile(0)).isEqualTo(e.get("percentiles").get(0).asDouble());
            assertThat(s.getPercentile(100))
                    .isEqualTo(e.get("percentiles").get(100).asDouble());
            if (s.isPercentilesExact()) {
                for (int p = 0; p <= 100; p++) {
                    assertThat(s.getPercentile(p))
                            .as(c.getName() + " p" + p)
                            .isEqualTo(e.get("percentiles").get(p).asDouble());
                }
            } else {
                assertThat(s.getRankError()).isEqualTo(KllSketch.rankErrorBound(ProfileOptions.DEFAULT_SKETCH_K));
                for (int p = 0; p <= 100; p++) {
                    assertThat(Expected.rankError(sorted, s.getPercentile(p), p))
                            .as(c.getName() + " p" + p)
                            .isLessThanOrEqualTo(s.getRankError());
                }
            }
            assertThat(s.getPercentiles()).isSorted();
        }
    }

    @Test
    void shouldReportTopValuesWithinTheMisraGriesGuarantees() {
        long k = profile.getOptions().getTopK();
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            Map<String, Long> freq = Expected.frequencies(e);
            long sum = 0;
            for (ValueCount v : c.getTopValues()) {
                long f = freq.getOrDefault(v.value(), 0L);
                assertThat(v.count()).as(c.getName() + " '" + v.value() + "'").isLessThanOrEqualTo(f);
                assertThat(f - v.count()).as(c.getName()).isLessThanOrEqualTo(c.getOtherCount() / (k + 1));
                sum += v.count();
            }
            assertThat(sum + c.getOtherCount()).isEqualTo(c.getCount());
            assertThat(c.getTopValues()).hasSizeLessThanOrEqualTo((int) k);
            List<String> reported =
                    c.getTopValues().stream().map(ValueCount::value).toList();
            freq.forEach((value, f) -> {
                if (f * (k + 1) > c.getCount()) {
                    assertThat(reported).as(c.getName() + " heavy hitter").contains(value);
                }
            });
            if (c.isTopValuesExact()) {
                assertThat(c.getTopValues()).hasSize(freq.size());
                c.getTopValues().forEach(v -> assertThat(v.count()).isEqualTo(freq.get(v.value())));
            }
            assertThat(c.getTopValues()).isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));
        }
    }

    @Test
    void shouldEstimateDistinctCounts() {
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            long exact = e.get("distinct").asLong();
            if (c.isDistinctExact()) {
                assertThat(c.getDistinct()).as(c.getName()).isEqualTo(exact);
            } else {
                // three standard errors of a 4096-register HyperLogLog
                assertThat((double) c.getDistinct()).as(c.getName()).isCloseTo(exact, within(0.05 * exact));
            }
        }
    }

    @Test
    void shouldSampleValuesOfTheColumnWithoutReplacement() {
        int size = profile.getOptions().getSampleSize();
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            assertThat(c.getSample()).as(c.getName()).hasSize((int) Math.min(size, c.getCount()));
            Map<String, Long> remaining = new HashMap<>();
            if (c.getType().isNumeric()) {
                for (double x : Expected.sortedValues(e)) {
                    remaining.merge(Decimals.format(x), 1L, Long::sum);
                }
                assertThat(c.getNumericSample()).isSorted();
            } else {
                remaining.putAll(Expected.frequencies(e));
                assertThat(c.getSample()).isSortedAccordingTo(ColumnAccumulator::compareCodePoints);
            }
            for (String v : c.getSample()) {
                long left = remaining.getOrDefault(v, 0L);
                assertThat(left).as(c.getName() + " sample value '" + v + "'").isPositive();
                remaining.put(v, left - 1);
            }
        }
    }

    @Test
    void shouldCapLongValuesInKeysAndSamplesWithoutSplittingSurrogatePairs() {
        int max = expected.get("maxValueLength").asInt();
        assertThat(max).isEqualTo(profile.getOptions().getMaxValueLength());
        ColumnProfile comment = profile.findColumn("comment").orElseThrow();
        assertThat(comment.getSample()).allSatisfy(v -> {
            assertThat(v.codePointCount(0, v.length())).isLessThanOrEqualTo(max);
            assertThat(Character.isHighSurrogate(v.charAt(v.length() - 1))).isFalse();
        });
        assertThat(comment.getSample())
                .anySatisfy(v -> assertThat(v.codePointCount(0, v.length())).isEqualTo(max));
    }

    @Test
    void shouldRoundTripThroughThePlainMapAndBeDeterministic() throws IOException {
        Map<String, Object> map = profile.toMap();
        PlainTypes.assertPlain(map);
        assertThat(TableProfile.fromMap(map)).isEqualTo(profile);
        try (InputStream in = Expected.fixture()) {
            assertThat(CsvProfiler.ofDefaults().profile(in).toMap()).isEqualTo(map);
        }
    }

    @Test
    void shouldFormatDecimalsAsThePythonScriptDoes() {
        int checked = 0;
        for (JsonNode v : expected.get("decimalVectors")) {
            double x =
                    Double.longBitsToDouble(Long.parseUnsignedLong(v.get("bits").asText(), 16));
            String text = v.get("text").asText();
            assertThat(Decimals.format(x)).as(v.get("bits").asText()).isEqualTo(text);
            assertThat(Double.doubleToRawLongBits(Decimals.parse(text))).isEqualTo(Double.doubleToRawLongBits(x));
            checked++;
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void shouldCountEveryValueInTheDriftSummariesAsTheScriptDid() {
        int histograms = 0;
        int hashed = 0;
        for (JsonNode e : expected.get("columns")) {
            ColumnProfile c = column(e);
            if (e.has("histogram")) {
                histograms++;
                JsonNode h = e.get("histogram");
                ValueHistogram actual = c.getHistogram().orElseThrow();
                assertThat(c.getCategoryCounts()).isEmpty();
                assertThat(actual.getShift())
                        .as(c.getName())
                        .isEqualTo(h.get("shift").asInt());
                assertThat(actual.size())
                        .as(c.getName())
                        .isEqualTo(h.get("keys").size());
                for (int i = 0; i < actual.size(); i++) {
                    assertThat(actual.getKey(i))
                            .as(c.getName())
                            .isEqualTo(h.get("keys").get(i).asLong());
                    assertThat(actual.getCount(i))
                            .as(c.getName())
                            .isEqualTo(h.get("counts").get(i).asLong());
                }
                assertThat(actual.getTotal()).isEqualTo(c.getCount());
            } else {
                JsonNode k = e.get("categories");
                CategoryCounts actual = c.getCategoryCounts().orElseThrow();
                assertThat(c.getHistogram()).isEmpty();
                assertThat(actual.isExact()).as(c.getName()).isEqualTo(k.has("values"));
                if (k.has("values")) {
                    Map<String, Long> values = new HashMap<>();
                    k.get("values")
                            .forEach(v -> values.put(v.get(0).asText(), v.get(1).asLong()));
                    assertThat(actual.getValueCounts()).as(c.getName()).isEqualTo(values);
                } else {
                    hashed++;
                    for (int b = 0; b < CategoryCounts.HASH_BUCKETS; b++) {
                        assertThat(actual.getBucketCounts().get(b))
                                .as(c.getName() + " bucket " + b)
                                .isEqualTo(k.get("buckets").get(b).asLong());
                    }
                }
                assertThat(actual.getTotal()).isEqualTo(c.getCount());
            }
        }
        assertThat(histograms).isGreaterThanOrEqualTo(6);
        assertThat(hashed).as("columns beyond the cap of categories").isEqualTo(2);
    }

    private static ColumnProfile column(JsonNode e) {
        return profile.findColumn(e.get("name").asText()).orElseThrow();
    }
}
