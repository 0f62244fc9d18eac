package org.mlops4j.data.profile;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.util.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.mlops4j.common.StorageException;

/**
 * Computes the schema and profile of a CSV file in one streaming pass, in memory bounded independently of the row
 * count (see {@link ProfileOptions} for the bound per column).
 *
 * <p>The input is UTF-8 text in RFC 4180 form: a required header row naming the columns (distinct, non-empty
 * names; a leading byte order mark is dropped), comma-separated fields, fields with commas, quotes or line breaks
 * enclosed in double quotes, a double quote inside a quoted field written twice, and records ending with CRLF, LF
 * or CR. Blank lines are skipped, so a null in a one-column file is written {@code ""}. Like Python's {@code csv}
 * module, a quote inside an unquoted field is taken literally. Every record must have as many fields as the header.
 * An empty field is null; see {@link ColumnType} for the type inference rule.
 *
 * <p>Immutable and thread-safe: one profiler can profile many files at once, each call on its own thread. The same
 * bytes and options always give the same profile.
 *
 * <pre>{@code
 * TableProfile profile = CsvProfiler.ofDefaults().profile(Path.of("churn.csv"));
 * System.out.println(profile);
 * }</pre>
 */
public final class CsvProfiler {
    private static final CsvProfiler DEFAULT = new CsvProfiler(ProfileOptions.ofDefaults());

    private final ProfileOptions options;

    private CsvProfiler(ProfileOptions options) {
        this.options = options;
    }

    /** Returns a profiler with {@link ProfileOptions#ofDefaults()}. */
    public static CsvProfiler ofDefaults() {
        return DEFAULT;
    }

    /**
     * Returns a profiler with the given options.
     *
     * @param options the options
     * @return the profiler
     */
    public static CsvProfiler of(ProfileOptions options) {
        return new CsvProfiler(Objects.requireNonNull(options, "options"));
    }

    /** Returns the options. */
    public ProfileOptions getOptions() {
        return options;
    }

    /**
     * Profiles a CSV file.
     *
     * @param file the file
     * @return the profile
     * @throws MalformedCsvException if the file is not well-formed CSV in UTF-8 with a header row; the exception
     *     names the line and row
     * @throws StorageException if the file cannot be read
     */
    public TableProfile profile(Path file) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return profile(in);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read the CSV file " + file + ": " + e + "; check that it exists and can be read", e);
        }
    }

    /**
     * Profiles CSV text read to the end from a stream, which is left open.
     *
     * @param in the stream, UTF-8
     * @return the profile
     * @throws MalformedCsvException if the text is not well-formed CSV with a header row, or not UTF-8; the exception
     *     names the line and row
     * @throws StorageException if the stream fails
     */
    public TableProfile profile(InputStream in) {
        Objects.requireNonNull(in, "in");
        TrackingReader reader = new TrackingReader(in);
        RowHandler handler = new RowHandler(Limits.MAX_FIELD_COUNT);
        long rows = 0;
        try (CsvReader<RowHandler.Row> csv = CsvReader.builder()
                .fieldSeparator(',')
                .quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE)
                .skipEmptyLines(true)
                .ignoreDifferentFieldCount(true)
                .acceptCharsAfterQuotes(false)
                .build(handler, reader)) {
            Iterator<RowHandler.Row> it = csv.iterator();
            if (!it.hasNext()) {
                throw new MalformedCsvException(
                        "the CSV text is empty: a file to profile starts with a header row naming its columns", 1, 0);
            }
            RowHandler.Row header = it.next();
            List<ColumnAccumulator> columns = columns(header);
            int width = columns.size();
            handler.limit(width + 1);
            while (it.hasNext()) {
                RowHandler.Row row = it.next();
                rows++;
                if (row.fieldCount != width) {
                    throw new MalformedCsvException(
                            "row " + rows + " (line " + row.line + ") has " + row.fieldCount
                                    + " fields, but the header " + "has " + width
                                    + "; enclose fields that contain commas in double quotes",
                            row.line,
                            rows);
                }
                String[] fields = row.fields;
                for (int i = 0; i < width; i++) {
                    columns.get(i).accept(fields[i]);
                }
            }
            checkLastQuoteClosed(handler, reader, rows);
            List<ColumnProfile> profiles = new ArrayList<>(width);
            for (ColumnAccumulator c : columns) {
                profiles.add(c.finish());
            }
            return new TableProfile(rows, options, profiles);
        } catch (CsvParseException e) {
            long line = handler.currentLine();
            Throwable cause = e.getCause();
            throw new MalformedCsvException(
                    "malformed CSV in row " + (rows + 1) + " (line " + line + "): "
                            + (cause != null ? cause.getMessage() : e.getMessage())
                            + "; a quoted field must end with a quote followed by a comma or a line break",
                    line,
                    rows + 1);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                long line = reader.lineBreaks() + 1;
                throw new MalformedCsvException(
                        "the text is not valid UTF-8 on line " + line + " (" + e.getCause() + "); convert the file "
                                + "to UTF-8",
                        line,
                        MalformedCsvException.UNKNOWN);
            }
            throw StorageException.of(
                    "reading the CSV text failed after " + rows + " rows: " + e.getCause() + "; check its source",
                    e.getCause());
        } catch (IOException e) {
            throw StorageException.of(
                    "reading the CSV text failed after " + rows + " rows: " + e + "; check its source", e);
        }
    }

    private List<ColumnAccumulator> columns(RowHandler.Row header) {
        if (header.fieldCount > header.fields.length) {
            throw new MalformedCsvException(
                    "the header has more than " + Limits.MAX_FIELD_COUNT + " columns (FastCSV's limit, system property "
                            + "fastcsv.max.field.count)",
                    header.line,
                    0);
        }
        SplittableRandom seeds = new SplittableRandom(options.getSeed());
        Set<String> seen = new HashSet<>();
        List<ColumnAccumulator> columns = new ArrayList<>(header.fieldCount);
        for (int i = 0; i < header.fieldCount; i++) {
            String name = header.fields[i];
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            if (name.isEmpty()) {
                throw new MalformedCsvException(
                        "column " + (i + 1) + " of the header (line " + header.line + ") has no name; name every "
                                + "column",
                        header.line,
                        0);
            }
            if (!seen.add(name)) {
                throw new MalformedCsvException(
                        "the header (line " + header.line + ") names column '" + Decimals.abbreviate(name) + "' twice; "
                                + "column names must be distinct",
                        header.line,
                        0);
            }
            long sketchSeed = seeds.nextLong();
            long sampleSeed = seeds.nextLong();
            columns.add(new ColumnAccumulator(name, options, sketchSeed, sampleSeed));
        }
        return columns;
    }

    /**
     * FastCSV accepts a quoted field left open at the end of the text; RFC 4180 does not. A closed quoted field holds
     * an even number of quote characters, an open one an odd number, and unquoted fields hold their quotes
     * literally: so the text ends inside quotes exactly when the quotes outside unquoted fields are odd in number.
     */
    private static void checkLastQuoteClosed(RowHandler handler, TrackingReader reader, long rows) {
        if ((reader.quotes() - handler.strayQuotes()) % 2 != 0) {
            long line = handler.lastRecordLine();
            throw new MalformedCsvException(
                    "the quoted field starting in row " + rows + " (line " + line + ") is never closed: the text ends "
                            + "inside the quotes; add the closing quote",
                    line,
                    rows);
        }
    }

    @Override
    public String toString() {
        return "CsvProfiler{" + options + "}";
    }
}
