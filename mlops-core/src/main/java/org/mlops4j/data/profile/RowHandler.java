package org.mlops4j.data.profile;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordWrapper;
import org.jspecify.annotations.Nullable;

/**
 * Collects FastCSV's fields into {@link Row}s, storing at most {@code limit} fields per record (the rest are only
 * counted), and counts the quote characters of unquoted fields.
 */
final class RowHandler extends AbstractBaseCsvCallbackHandler<RowHandler.Row> {
    /** One record: where it starts, how many fields it has, and the first {@code limit} of them. */
    static final class Row {
        final long line;
        final String[] fields;
        int fieldCount;

        Row(long line, int capacity) {
            this.line = line;
            this.fields = new String[capacity];
        }
    }

    private int limit;
    private @Nullable Row row;
    private long strayQuotes;
    private long lastRecordLine;

    RowHandler(int limit) {
        this.limit = limit;
    }

    void limit(int limit) {
        this.limit = limit;
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
        row = new Row(startingLineNumber, limit);
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
        Row r = row;
        if (r == null) {
            return;
        }
        String value = new String(buf, offset, len);
        if (fieldIdx < r.fields.length) {
            r.fields[fieldIdx] = value;
        }
        r.fieldCount = fieldIdx + 1;
        if (!quoted) {
            // a quote inside an unquoted field is literal; a quoted field has an even number of quotes once closed
            for (int i = offset; i < offset + len; i++) {
                if (buf[i] == '"') {
                    strayQuotes++;
                }
            }
        }
    }

    @Override
    protected RecordWrapper<Row> buildRecord() {
        Row r = row == null ? new Row(getStartingLineNumber(), 0) : row;
        if (!isEmptyLine()) {
            lastRecordLine = r.line;
        }
        return wrapRecord(r);
    }

    /** Returns the starting line of the record being parsed. */
    long currentLine() {
        return getStartingLineNumber();
    }

    /** Returns the number of quote characters inside unquoted fields, which are taken literally. */
    long strayQuotes() {
        return strayQuotes;
    }

    long lastRecordLine() {
        return lastRecordLine;
    }
}
