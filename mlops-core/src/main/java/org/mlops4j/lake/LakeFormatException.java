package org.mlops4j.lake;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;

/**
 * Bytes read from a lake break the lake format ({@code docs/lake-format.md}): they are not canonical JSON, or a record
 * lacks a field, has an unknown one, or was written by a newer MLOps4J. The record must not be trusted.
 *
 * <p>The {@linkplain #getReason() reason} says which rule failed, {@linkplain #getPath() the path} where (a JSON path
 * such as {@code $.parents[2].digest}, {@code $} for the whole document) and, for byte-level failures, the
 * {@linkplain #getByteOffset() byte offset}. The message names the offending value, abbreviated, and what to do.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try {
 *     LakeDescriptor.parse(bytes);
 * } catch (LakeFormatException e) {
 *     if (e.getReason().equals(LakeFormatException.Reason.UNSUPPORTED_FORMAT)) { ... }
 * }
 * }</pre>
 */
public class LakeFormatException extends IntegrityException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final String path;
    private final long byteOffset;
    private final String source;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param reason the rule that failed
     * @param path the JSON path of the failure, {@code $} for the whole document
     * @param detail what failed, with which value, and what to do
     */
    public LakeFormatException(Reason reason, String path, String detail) {
        this(reason, path, -1, "", detail, null);
    }

    /**
     * Creates the exception with every detail.
     *
     * @param reason the rule that failed
     * @param path the JSON path of the failure, {@code $} for the whole document
     * @param byteOffset the offset in the input of the failure, or -1 if unknown
     * @param source what was read (a store key, a file name), or empty if unknown
     * @param detail what failed, with which value, and what to do
     * @param cause the underlying failure, or null
     */
    public LakeFormatException(
            Reason reason, String path, long byteOffset, String source, String detail, @Nullable Throwable cause) {
        super(message(reason, path, byteOffset, source, detail), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.path = Objects.requireNonNull(path, "path");
        this.byteOffset = byteOffset;
        this.source = Objects.requireNonNull(source, "source");
        this.detail = detail;
    }

    /** Returns the rule that failed. */
    public Reason getReason() {
        return reason;
    }

    /** Returns the JSON path of the failure, such as {@code $.entries[3].size}; {@code $} for the whole document. */
    public String getPath() {
        return path;
    }

    /** Returns the byte offset of the failure in the input, or -1 when the failure is not tied to one byte. */
    public long getByteOffset() {
        return byteOffset;
    }

    /** Returns what failed, with which value, and what to do: the message without reason, source and path. */
    public String getDetail() {
        return detail;
    }

    /** Returns what was read (a store key, a file name), or an empty string if the reader was not told. */
    public String getSource() {
        return source;
    }

    /**
     * Returns a copy of this exception that names what was read, keeping reason, path, offset, cause and stack.
     *
     * @param newSource a store key or a file name
     * @return the copy, or this exception if it already names a source
     */
    public LakeFormatException withSource(String newSource) {
        Objects.requireNonNull(newSource, "newSource");
        if (!source.isEmpty() || newSource.isEmpty()) {
            return this;
        }
        LakeFormatException copy = new LakeFormatException(reason, path, byteOffset, newSource, detail, getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    private static String message(Reason reason, String path, long byteOffset, String source, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(reason).append(' ');
        if (!source.isEmpty()) {
            sb.append("in ").append(source).append(' ');
        }
        sb.append("at ").append(path);
        if (byteOffset >= 0) {
            sb.append(" (byte ").append(byteOffset).append(')');
        }
        return sb.append(": ").append(detail).toString();
    }

    /**
     * A class of rejection. A string-backed value rather than an {@code enum}: later versions may add reasons, so
     * compare with {@link #equals} and keep a default branch. Immutable and thread-safe.
     */
    public static final class Reason implements Serializable {
        private static final long serialVersionUID = 1L;
        private static final Map<String, Reason> KNOWN = new LinkedHashMap<>();

        /** Not JSON at all (a syntax error), or a UTF-16/UTF-32 document. */
        public static final Reason MALFORMED_JSON = known("MALFORMED_JSON");
        /** Not valid UTF-8 (including a byte order mark and escaped lone surrogates). */
        public static final Reason INVALID_UTF8 = known("INVALID_UTF8");
        /** An object has the same key twice. */
        public static final Reason DUPLICATE_KEY = known("DUPLICATE_KEY");
        /** An object's keys are not in ascending order of their UTF-8 bytes. */
        public static final Reason UNSORTED_KEYS = known("UNSORTED_KEYS");
        /** A number with a fraction (or a non-integral value): the lake holds integers only. */
        public static final Reason FLOATING_POINT = known("FLOATING_POINT");
        /** Valid, but not the canonical bytes: whitespace, an escape, a number form, data after the value. */
        public static final Reason NON_CANONICAL = known("NON_CANONICAL");
        /** A record has a field its format does not define. */
        public static final Reason UNKNOWN_FIELD = known("UNKNOWN_FIELD");
        /** A record lacks a required field. */
        public static final Reason MISSING_FIELD = known("MISSING_FIELD");
        /** A field has the wrong JSON type (a string where an integer belongs). */
        public static final Reason WRONG_TYPE = known("WRONG_TYPE");
        /** A field has the right type but a bad value (a malformed digest, an integer beyond 64 bits). */
        public static final Reason INVALID_VALUE = known("INVALID_VALUE");
        /** A newer format than this reader knows, or another hash algorithm: upgrade MLOps4J. */
        public static final Reason UNSUPPORTED_FORMAT = known("UNSUPPORTED_FORMAT");
        /** More bytes than the reader's limit. */
        public static final Reason TOO_LARGE = known("TOO_LARGE");
        /** Objects and arrays nested deeper than the reader's limit. */
        public static final Reason TOO_DEEP = known("TOO_DEEP");

        /** A record's {@code checksum} field does not match its content: the record changed after it was written. */
        public static final Reason CHECKSUM_MISMATCH = known("CHECKSUM_MISMATCH");

        private final String name;

        private Reason(String name) {
            this.name = name;
        }

        private static Reason known(String name) {
            Reason reason = new Reason(name);
            KNOWN.put(name, reason);
            return reason;
        }

        /**
         * Returns the reason with this name: the constant if it is one, else a new value (a reason from a later
         * version).
         *
         * @param name the name, such as {@code "DUPLICATE_KEY"}
         * @return the reason
         * @throws IllegalArgumentException if the name is empty
         */
        public static Reason fromString(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a reason name must not be empty");
            }
            Reason reason = KNOWN.get(name);
            return reason != null ? reason : new Reason(name);
        }

        /** Returns the reasons this version knows, in declaration order. */
        public static List<Reason> values() {
            return List.copyOf(KNOWN.values());
        }

        /** Returns the name, such as {@code DUPLICATE_KEY}. */
        @Override
        public String toString() {
            return name;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Reason other && name.equals(other.name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        private Object readResolve() {
            return fromString(name);
        }
    }
}
