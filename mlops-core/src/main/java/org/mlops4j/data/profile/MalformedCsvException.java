package org.mlops4j.data.profile;

import org.mlops4j.common.MlopsException;

/**
 * The input is not a well-formed CSV file: no header row, a duplicate or empty column name, a record with the wrong
 * number of fields, text after a closing quote, a quoted field left open at the end, or bytes that are not UTF-8.
 *
 * <p>In the library's tree, so that one {@code catch (MlopsException e)} handles what a snapshot can fail with: the file
 * is data, not an argument, and the caller can fix it or skip profiling it. It is not an
 * {@link org.mlops4j.common.IntegrityException}, which says that stored lake data no longer matches its digest and must
 * not be trusted. Never transient: reading the same bytes again fails again.
 */
public class MalformedCsvException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /** The line number, when unknown. */
    public static final long UNKNOWN = -1;

    private final long lineNumber;
    private final long rowNumber;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, where, and what to do
     * @param lineNumber the 1-based physical line where the bad record starts, or {@link #UNKNOWN}
     * @param rowNumber the 1-based data row (the header is row 0), or {@link #UNKNOWN}
     */
    public MalformedCsvException(String message, long lineNumber, long rowNumber) {
        super(message);
        this.lineNumber = lineNumber;
        this.rowNumber = rowNumber;
    }

    /** Returns the 1-based physical line where the bad record starts, or {@link #UNKNOWN}. */
    public long getLineNumber() {
        return lineNumber;
    }

    /** Returns the 1-based data row of the bad record (the header is row 0), or {@link #UNKNOWN}. */
    public long getRowNumber() {
        return rowNumber;
    }
}
