package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.StorageException;

class CsvProfilerTest {
    private static final CsvProfiler PROFILER = CsvProfiler.ofDefaults();

    @Test
    void shouldReportTheRowAndLineOfARecordWithTheWrongFieldCount() {
        MalformedCsvException e =
                catchThrowableOfType(MalformedCsvException.class, () -> profile("a,b\n1,2\n\"x\ny\",3\n4,5,6\n"));
        assertThat(e.getRowNumber()).isEqualTo(3);
        assertThat(e.getLineNumber()).isEqualTo(5);
        assertThat(e).hasMessageContaining("row 3 (line 5) has 3 fields, but the header has 2");
    }

    @Test
    void shouldRejectTextAfterAClosingQuoteNamingTheLine() {
        MalformedCsvException e =
                catchThrowableOfType(MalformedCsvException.class, () -> profile("a,b\n1,2\n\"x\"y,2\n"));
        assertThat(e.getLineNumber()).isEqualTo(3);
        assertThat(e.getRowNumber()).isEqualTo(2);
        assertThat(e).hasMessageContaining("line 3");
    }

    @Test
    void shouldRejectAQuotedFieldLeftOpenAtTheEnd() {
        MalformedCsvException e =
                catchThrowableOfType(MalformedCsvException.class, () -> profile("a,b\n1,2\n3,\"open\n4,5\n"));
        assertThat(e.getLineNumber()).isEqualTo(3);
        assertThat(e).hasMessageContaining("never closed");
    }

    /** Terminated and unterminated last fields, whatever the content and however the stream splits the text. */
    @Test
    void shouldTellClosedFromOpenQuotedLastFields() {
        qt().withExamples(500)
                .forAll(
                        strings().allPossible().ofLengthBetween(0, 12),
                        integers().between(0, 1),
                        integers().between(0, 3),
                        integers().between(1, 7))
                .checkAssert((content, open, trailingBreaks, chunk) -> {
                    String field = "\"" + content.replace("\"", "\"\"") + (open == 1 ? "" : "\"");
                    String text = "h\n" + field + "\n".repeat(trailingBreaks);
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    if (open == 1) {
                        assertThatThrownBy(() -> PROFILER.profile(new Trickle(bytes, chunk)))
                                .isInstanceOf(MalformedCsvException.class);
                    } else {
                        TableProfile p = PROFILER.profile(new Trickle(bytes, chunk));
                        assertThat(p.getRowCount()).isEqualTo(1);
                        assertThat(p.getColumns().get(0).getCount()).isEqualTo(content.isEmpty() ? 0 : 1);
                    }
                });
    }

    @Test
    void shouldRejectInvalidUtf8NamingTheLine() {
        byte[] prefix = "a,b\n1,2\n3,".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[prefix.length + 3];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
        bytes[prefix.length + 1] = '4';
        bytes[prefix.length + 2] = '\n';
        MalformedCsvException e = catchThrowableOfType(
                MalformedCsvException.class, () -> PROFILER.profile(new ByteArrayInputStream(bytes)));
        assertThat(e.getLineNumber()).isEqualTo(3);
        assertThat(e).hasMessageContaining("not valid UTF-8 on line 3");
    }

    @Test
    void shouldRejectEmptyInputAndBadHeaders() {
        assertThatThrownBy(() -> profile(""))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> profile("a,b,a\n1,2,3\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("names column 'a' twice");
        assertThatThrownBy(() -> profile("a,,c\n1,2,3\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("column 2 of the header");
    }

    @Test
    void shouldBeInTheLibrarysTreeButNotAnIntegrityException() {
        assertThatThrownBy(() -> profile("a\n\"x"))
                .isInstanceOf(MlopsException.class)
                .isNotInstanceOf(IntegrityException.class)
                .isNotInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldProfileAHeaderWithoutRows() {
        TableProfile p = profile("x,y\n");
        assertThat(p.getRowCount()).isZero();
        assertThat(p.getColumnNames()).containsExactly("x", "y");
        assertThat(p.getColumns()).allSatisfy(c -> {
            assertThat(c.getType()).isEqualTo(ColumnType.STRING);
            assertThat(c.getNumeric()).isEmpty();
            assertThat(c.getSample()).isEmpty();
        });
    }

    @Test
    void shouldDropAByteOrderMarkSkipBlankLinesAndTreatEmptyFieldsAsNull() {
        TableProfile p = profile("\uFEFFname,n\r\n\r\nx,1\r\n\"\",\r\n\n\"y\",2\r\n");
        assertThat(p.getColumnNames()).containsExactly("name", "n");
        assertThat(p.getRowCount()).isEqualTo(3);
        ColumnProfile name = p.findColumn("name").orElseThrow();
        assertThat(name.getNullCount()).isEqualTo(1);
        assertThat(name.getTopValues()).containsExactly(new ValueCount("x", 1), new ValueCount("y", 1));
        assertThat(p.findColumn("n").orElseThrow().getType()).isEqualTo(ColumnType.INTEGER);
    }

    @Test
    void shouldInferTheNarrowestTypeThatFitsEveryValue() {
        assertThat(typeOf("1", "-20", "+3", "007")).isEqualTo(ColumnType.INTEGER);
        assertThat(typeOf("1", "2.5", "-.5", "3.", "1e3", "2E-2")).isEqualTo(ColumnType.DECIMAL);
        assertThat(typeOf("9223372036854775807", "-9223372036854775808")).isEqualTo(ColumnType.INTEGER);
        assertThat(typeOf("9223372036854775808")).isEqualTo(ColumnType.DECIMAL);
        assertThat(typeOf("true", "FALSE", "True")).isEqualTo(ColumnType.BOOLEAN);
        assertThat(typeOf("1", "true")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("1", "NaN")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("1", "Infinity")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("1e999")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("0x10")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf(" 1")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("1d")).isEqualTo(ColumnType.STRING);
        assertThat(typeOf("falſe")).isEqualTo(ColumnType.STRING);
    }

    @Test
    void shouldComputeExactIntegerStatisticsForAnyColumnOfLongs() {
        qt().withExamples(200)
                .forAll(lists().of(longs().between(-1_000_000_000_000L, 1_000_000_000_000L))
                        .ofSizeBetween(1, 300))
                .checkAssert(values -> {
                    TableProfile p = profile(
                            "v\n" + values.stream().map(String::valueOf).collect(Collectors.joining("\n")) + "\n");
                    ColumnProfile c = p.getColumns().get(0);
                    assertThat(c.getType()).isEqualTo(ColumnType.INTEGER);
                    NumericSummary s = c.getNumeric().orElseThrow();
                    long min = values.stream().mapToLong(Long::longValue).min().orElseThrow();
                    long max = values.stream().mapToLong(Long::longValue).max().orElseThrow();
                    assertThat(s.getMin()).isEqualTo((double) min);
                    assertThat(s.getMax()).isEqualTo((double) max);
                    java.math.BigDecimal exactMean = values.stream()
                            .map(java.math.BigDecimal::valueOf)
                            .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)
                            .divide(java.math.BigDecimal.valueOf(values.size()), java.math.MathContext.DECIMAL64);
                    assertThat(s.getMean())
                            .isCloseTo(
                                    exactMean.doubleValue(),
                                    org.assertj.core.data.Offset.offset(
                                            1e-12 * Math.max(1, Math.abs(exactMean.doubleValue()))));
                    double[] sorted = values.stream()
                            .mapToDouble(Long::doubleValue)
                            .sorted()
                            .toArray();
                    for (int pct = 0; pct <= 100; pct++) {
                        assertThat(Expected.rankError(sorted, s.getPercentile(pct), pct))
                                .isLessThanOrEqualTo(s.getRankError());
                    }
                    assertThat(c.getSample()).hasSize(values.size());
                });
    }

    @Test
    void shouldCapLongValuesByCodePoints() {
        String longValue = "😀".repeat(300);
        ProfileOptions options = ProfileOptions.custom().maxValueLength(10).build();
        TableProfile p = CsvProfiler.of(options).profile(stream("t\n" + longValue + "\n" + longValue + "x\n"));
        ColumnProfile c = p.getColumns().get(0);
        assertThat(c.getTopValues()).containsExactly(new ValueCount("😀".repeat(10), 2));
        assertThat(c.isDistinctExact()).isFalse();
        assertThat(c.getDistinct()).isEqualTo(2);
    }

    @Test
    void shouldGiveTheSameProfileFromAPathAndAStream(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.csv");
        String text = "a,b\n1,x\n2,y\n3,\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
        assertThat(PROFILER.profile(file)).isEqualTo(profile(text));
        assertThatThrownBy(() -> PROFILER.profile(dir.resolve("missing.csv")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("missing.csv");
    }

    @Test
    void shouldLeaveTheCallersStreamOpen() throws IOException {
        boolean[] closed = {false};
        InputStream in = new FilterInputStream(stream("a\n1\n")) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        assertThat(PROFILER.profile(in).getRowCount()).isEqualTo(1);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void shouldDependOnTheSeedOnlyThroughSampleAndSketch() {
        StringBuilder sb = new StringBuilder("v\n");
        for (int i = 0; i < 5_000; i++) {
            sb.append(i % 97).append('\n');
        }
        TableProfile a = CsvProfiler.of(ProfileOptions.custom().seed(1).build()).profile(stream(sb.toString()));
        TableProfile b = CsvProfiler.of(ProfileOptions.custom().seed(2).build()).profile(stream(sb.toString()));
        ColumnProfile ca = a.getColumns().get(0);
        ColumnProfile cb = b.getColumns().get(0);
        assertThat(ca.getSample()).isNotEqualTo(cb.getSample());
        assertThat(ca.getTopValues()).isEqualTo(cb.getTopValues());
        assertThat(ca.getNumeric().orElseThrow().getMean())
                .isEqualTo(cb.getNumeric().orElseThrow().getMean());
    }

    private static ColumnType typeOf(String... values) {
        List<String> lines = new ArrayList<>();
        lines.add("v");
        lines.addAll(List.of(values));
        return profile(String.join("\n", lines) + "\n").getColumns().get(0).getType();
    }

    private static TableProfile profile(String text) {
        return PROFILER.profile(stream(text));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hands out at most {@code chunk} bytes per read, to move buffer boundaries around. */
    private static final class Trickle extends ByteArrayInputStream {
        private final int chunk;

        Trickle(byte[] bytes, int chunk) {
            super(bytes);
            this.chunk = chunk;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
