package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.IntegrityException;

class TableProfileMapTest {
    private static final TableProfile PROFILE = CsvProfiler.of(
                    ProfileOptions.custom().sampleSize(3).build())
            .profile(new ByteArrayInputStream(
                    "n,x,s,b\n1,1.5,a,true\n2,,b,false\n3,2.5e-9,a,\n".getBytes(StandardCharsets.UTF_8)));

    @Test
    void shouldRoundTripThroughPlainTypesOnly() {
        Map<String, Object> map = PROFILE.toMap();
        PlainTypes.assertPlain(map);
        assertThat(map.get("format")).isEqualTo(TableProfile.FORMAT);
        TableProfile back = TableProfile.fromMap(map);
        assertThat(back).isEqualTo(PROFILE);
        assertThat(back.toMap()).isEqualTo(map);
    }

    @Test
    void shouldRejectAnUnknownField() {
        assertRejected(m -> m.put("extra", "x"), "unknown fields [extra]");
    }

    @Test
    void shouldRejectAMissingField() {
        assertRejected(m -> m.remove("rowCount"), "missing fields [rowCount]");
    }

    @Test
    void shouldRejectAnotherFormat() {
        assertRejected(m -> m.put("format", "csv-profile/3"), "a newer MLOps4J"); // csv-profile/2 is now read
    }

    @Test
    void shouldRejectWrongTypes() {
        assertRejected(m -> m.put("rowCount", 3), "expected an integer (Long)");
        assertRejected(m -> column(m, 1).put("count", "2"), "profile.columns[1].count");
    }

    @Test
    void shouldRejectNonCanonicalNumbers() {
        assertRejected(m -> numeric(m, 1).put("max", "2.50"), "not the canonical form");
        assertRejected(m -> numeric(m, 1).put("max", "Infinity"), "profile.columns[1].numeric.max");
    }

    @Test
    void shouldRejectCountsThatDoNotAddUp() {
        assertRejected(m -> column(m, 2).put("otherCount", 5L), "do not add up");
        assertRejected(m -> m.put("rowCount", 4L), "but the table has 4 rows");
    }

    @Test
    void shouldKeepAnUnknownColumnTypeFromANewerWriter() {
        Map<String, Object> m = deepCopy(PROFILE.toMap());
        column(m, 2).put("type", "date");
        assertThat(TableProfile.fromMap(m).getColumns().get(2).getType()).hasToString("date");
    }

    @Test
    void shouldRoundTripEveryFiniteDoubleThroughItsCanonicalText() {
        qt().withExamples(5_000).forAll(longs().all()).checkAssert(bits -> {
            double x = Double.longBitsToDouble(bits);
            if (Double.isFinite(x)) {
                String text = Decimals.format(x);
                assertThat(Double.doubleToRawLongBits(Decimals.parse(text))).isEqualTo(bits);
                assertThat(Double.parseDouble(text)).isEqualTo(x);
            }
        });
        qt().withExamples(5_000).forAll(doubles().between(-1e6, 1e6)).checkAssert(x -> {
            String text = Decimals.format(x);
            assertThat(Double.parseDouble(text)).isEqualTo(x);
            // never longer than the JDK's own shortest-digit rendering (plus layout)
            assertThat(text.replaceAll("[^0-9]", "").replaceFirst("^0+", "").length())
                    .isLessThanOrEqualTo(17);
        });
    }

    private static void assertRejected(Consumer<Map<String, Object>> change, String message) {
        Map<String, Object> m = deepCopy(PROFILE.toMap());
        change.accept(m);
        assertThatThrownBy(() -> TableProfile.fromMap(m))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldReadTheFirstFormatWithoutDriftSummariesAndWriteItBackUnchanged() {
        Map<String, Object> m = deepCopy(PROFILE.toMap());
        m.put("format", TableProfile.FORMAT_1);
        ((Map<?, ?>) m.get("options")).remove("maxCategories");
        ((Map<?, ?>) m.get("options")).remove("maxBins");
        for (int i = 0; i < 4; i++) {
            column(m, i).remove("histogram");
            column(m, i).remove("categories");
        }
        TableProfile old = TableProfile.fromMap(m);
        assertThat(old.getFormat()).isEqualTo("csv-profile/1");
        assertThat(old.getColumns())
                .allMatch(
                        c -> c.getHistogram().isEmpty() && c.getCategoryCounts().isEmpty());
        assertThat(old.toMap()).isEqualTo(m);
        assertThat(old).isNotEqualTo(PROFILE);
        assertThat(PROFILE.getFormat()).isEqualTo("csv-profile/2");
        // a csv-profile/1 record with a drift summary is not the first format
        column(m, 0).put("histogram", column(PROFILE.toMap(), 0).get("histogram"));
        assertThatThrownBy(() -> TableProfile.fromMap(m))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("unknown fields [histogram]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRejectDriftSummariesThatDoNotCountTheColumn() {
        assertRejected(m -> column(m, 0).remove("histogram"), "missing fields [histogram]");
        assertRejected(m -> column(m, 2).remove("categories"), "missing fields [categories]");
        assertRejected(
                m -> ((Map<String, Object>) column(m, 0).get("histogram")).put("counts", List.of(1L, 1L, 2L)),
                "a histogram belongs to a numeric column and counts its 3 values, got 4");
        assertRejected(
                m -> ((Map<String, Object>) column(m, 0).get("histogram")).put("keys", List.of(3L, 2L, 1L)),
                "strictly ascending");
        assertRejected(
                m -> column(m, 2).put("categories", Map.of("buckets", List.of(1L, 2L))),
                "a hash partition has 128 buckets, got 2");
        assertRejected(
                m -> column(m, 2)
                        .put(
                                "categories",
                                Map.of(
                                        "values",
                                        List.of(Map.of("value", "b", "count", 1L), Map.of("value", "a", "count", 2L)))),
                "values must be distinct and in code point order");
        assertRejected(
                m -> column(m, 2)
                        .put(
                                "categories",
                                Map.of(
                                        "values",
                                        List.of(Map.of("value", "a", "count", 1L), Map.of("value", "b", "count", 1L)))),
                "category counts belong to a non-numeric column and count its 3 values, got 2");
        assertRejected(
                m -> ((Map<String, Object>) column(m, 0).get("histogram")).put("shift", 64L), "must be at most 63");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> column(Map<String, Object> m, int i) {
        return (Map<String, Object>) ((List<Object>) m.get("columns")).get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> numeric(Map<String, Object> m, int i) {
        return (Map<String, Object>) column(m, i).get("numeric");
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map) {
            Map<String, Object> out = new HashMap<>();
            ((Map<String, Object>) value).forEach((k, v) -> out.put(k, deepCopy(v)));
            return (T) out;
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            ((List<Object>) value).forEach(v -> out.add(deepCopy(v)));
            return (T) out;
        }
        return value;
    }
}
