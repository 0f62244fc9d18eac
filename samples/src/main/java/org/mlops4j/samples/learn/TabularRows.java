package org.mlops4j.samples.learn;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;

/**
 * Reads a CSV table into rows shaped like scoring requests: column name to value, numbers as {@link Double}, the rest
 * as {@link String}. Stateless and thread-safe. Example:
 *
 * <pre>{@code
 * List<Map<String, Object>> rows = TabularRows.read(mlops.datasets(), train, "train.csv", ChurnData.NUMBER_COLUMNS);
 * }</pre>
 */
public final class TabularRows {
    private TabularRows() {}

    /**
     * Reads a CSV file of a dataset version through {@link Datasets#open}, which verifies its digest.
     *
     * @param datasets the dataset API
     * @param version the dataset version
     * @param path the file's path in the version
     * @param numberColumns the columns to parse as numbers
     * @return the rows, in file order
     * @throws IllegalArgumentException if a number column holds something that is not a number; names line and column
     * @throws UncheckedIOException if the file cannot be read
     * @throws org.mlops4j.common.IntegrityException if the stored bytes do not match the version's digest
     */
    public static List<Map<String, Object>> read(
            Datasets datasets, DatasetVersion version, String path, Collection<String> numberColumns) {
        try (InputStream in = datasets.open(version, path)) {
            return read(in, numberColumns);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " of " + version.getRef() + ": " + e, e);
        }
    }

    /**
     * Reads CSV text with a header line.
     *
     * @param in the UTF-8 CSV bytes; not closed
     * @param numberColumns the columns to parse as numbers
     * @return the rows, in file order
     * @throws IllegalArgumentException if a number column holds something that is not a number; names line and column
     * @throws UncheckedIOException if the stream cannot be read
     */
    public static List<Map<String, Object>> read(InputStream in, Collection<String> numberColumns) {
        List<Map<String, Object>> rows = new ArrayList<>();
        CsvReader<NamedCsvRecord> reader =
                CsvReader.builder().ofNamedCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (NamedCsvRecord record : reader) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (Map.Entry<String, String> field : record.getFieldsAsMap().entrySet()) {
                String column = field.getKey();
                String value = field.getValue();
                if (numberColumns.contains(column)) {
                    try {
                        row.put(column, Double.parseDouble(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "line " + record.getStartingLineNumber() + ": column '" + column
                                        + "' must be a number, got '" + value + "'",
                                e);
                    }
                } else {
                    row.put(column, value);
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
