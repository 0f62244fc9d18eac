package org.mlops4j.lake.internal;

import java.util.Objects;
import java.util.regex.Pattern;
import org.mlops4j.internal.Quoting;
import org.mlops4j.lake.LakeFormatException;

/**
 * The kind and version of a lake record, written in its {@code format} field as {@code <name>/<version>}, for
 * example {@code "mlops4j.dataset-version/1"}.
 *
 * <p>A reader that knows version {@code n} of a name reads versions 1 to {@code n} and rejects a higher one with
 * {@link LakeFormatException.Reason#UNSUPPORTED_FORMAT} ("written by a newer MLOps4J; upgrade"). Any change a
 * reader of the previous version would reject (a new field, a new meaning) raises the version. Immutable and
 * thread-safe. Example: {@code RecordFormat.parse("mlops4j.lake/1")}.
 *
 * @param name lowercase ASCII words joined by {@code .} or {@code -}, such as {@code mlops4j.dataset-version}
 * @param version the version, from 1
 */
public record RecordFormat(String name, int version) {
    /** The name of the field that carries a record's format. */
    public static final String FIELD = "format";

    /**
     * The name of the field that carries a record's checksum (lake format §5.1): {@code sha256:<64 hex>}, the digest
     * of the record's canonical JSON without this field. Reserved in every record of every format.
     */
    public static final String CHECKSUM_FIELD = "checksum";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[.-][a-z0-9]+)*");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    /**
     * Validates name and version.
     *
     * @throws IllegalArgumentException if the name is not lowercase ASCII words joined by {@code .} or {@code -}
     *     (at most 100 characters), or the version is below 1
     */
    public RecordFormat {
        Objects.requireNonNull(name, "name");
        if (name.length() > 100 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a record format name is lowercase ASCII words joined by '.' or '-'"
                    + " (at most 100 characters), such as 'mlops4j.dataset-version'; got "
                    + Quoting.abbreviate(name));
        }
        if (version < 1) {
            throw new IllegalArgumentException("a record format version starts at 1, got " + version);
        }
    }

    /**
     * Creates a format.
     *
     * @param name the name
     * @param version the version, from 1
     * @return the format
     * @throws IllegalArgumentException if name or version is invalid
     */
    public static RecordFormat of(String name, int version) {
        return new RecordFormat(name, version);
    }

    /**
     * Parses the written form {@code <name>/<version>}; the version has no sign and no leading zero.
     *
     * @param text the written form
     * @return the format
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static RecordFormat parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.lastIndexOf('/');
        if (slash < 0 || !VERSION.matcher(text.substring(slash + 1)).matches()) {
            throw new IllegalArgumentException("a record format is written '<name>/<version>' with a version from 1"
                    + " without leading zeros, such as 'mlops4j.lake/1'; got " + Quoting.abbreviate(text));
        }
        return new RecordFormat(text.substring(0, slash), Integer.parseInt(text.substring(slash + 1)));
    }

    /** Returns the written form, {@code <name>/<version>}. */
    @Override
    public String toString() {
        return name + "/" + version;
    }
}
