package org.mlops4j.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * The binary tree encoding, {@code mlops4j.tree/2} ({@code docs/lake-format.md} §14): a JSON header that names the
 * format, so that a reader of {@code tree/1} says "upgrade" rather than "damaged"; the entry count; then each entry
 * as a kind byte, its name front-coded against the previous name, its size as a varint and its digest as 32 raw
 * bytes. About 42 bytes an entry where the JSON of {@code tree/1} took 150. The reader is strict: a tree has exactly
 * one encoding, so equal entries always give equal digests.
 */
final class TreeEncoding {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.tree", 2);

    /** The first bytes of every {@code tree/2}: a complete JSON object, which an old reader's format scan finds. */
    static final byte[] HEADER = "{\"format\":\"mlops4j.tree/2\"}".getBytes(StandardCharsets.US_ASCII);

    static final int KIND_FILE = 0;
    static final int KIND_EXECUTABLE = 1;
    static final int KIND_DIR = 2;

    /** The fewest bytes an entry can take: kind, shared length, suffix length, one name byte and a digest. */
    static final int MIN_ENTRY_BYTES = 36;

    private static final int DIGEST_BYTES = 32;
    private static final byte[] NO_NAME = new byte[0];

    private TreeEncoding() {}

    /** Whether the bytes are a {@code tree/2}; any other tree is read as {@code tree/1} JSON. */
    static boolean isBinary(byte[] bytes) {
        return Arrays.equals(bytes, 0, Math.min(bytes.length, HEADER.length), HEADER, 0, HEADER.length);
    }

    /**
     * Encodes entries given in any order: they are sorted by name (UTF-8 bytes), so the same entries always give the
     * same bytes.
     *
     * @throws IllegalArgumentException if two entries have the same name, or the tree would exceed its limit
     */
    static byte[] encode(Collection<? extends Trees.Entry> entries) {
        List<Trees.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Trees.Entry::name, StoreKey::compareUtf8));
        Output out = new Output(HEADER.length + 10 + 48 * sorted.size());
        out.write(HEADER, 0, HEADER.length);
        out.varint(sorted.size());
        long expanded = 0;
        byte[] previous = NO_NAME;
        for (Trees.Entry entry : sorted) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            int shared = Arrays.mismatch(previous, name);
            if (shared < 0) {
                throw new IllegalArgumentException("two entries of a tree are named '" + entry.name() + "'");
            }
            if (entry instanceof Trees.FileEntry file) {
                out.write(file.executable() ? KIND_EXECUTABLE : KIND_FILE);
            } else {
                out.write(KIND_DIR);
            }
            out.varint(shared);
            out.varint(name.length - shared);
            out.write(name, shared, name.length - shared);
            if (entry instanceof Trees.FileEntry file) {
                out.varint(file.size());
                out.write(file.digest().toBytes(), 0, DIGEST_BYTES);
            } else {
                out.write(((Trees.DirEntry) entry).tree().toBytes(), 0, DIGEST_BYTES);
            }
            expanded += shared;
            previous = name;
        }
        if (out.size + expanded > Trees.MAX_BYTES) {
            throw new IllegalArgumentException("a tree of " + sorted.size() + " entries would take "
                    + (out.size + expanded) + " bytes with its names in full, more than the limit of "
                    + Trees.MAX_BYTES + "; split the directory into subdirectories");
        }
        return out.toBytes();
    }

    /**
     * Reads a {@code tree/2} strictly, after its digest was checked.
     *
     * @param bytes the tree's bytes, starting with {@link #HEADER}
     * @param source what is read, for messages ({@code tree sha256:…})
     * @param where what the tree belongs to, for the name check's message
     * @return the entries, in name order
     * @throws LakeFormatException if the bytes break a rule of §14.3
     * @throws UnsafePathException if a name is not a safe path segment
     */
    static List<Trees.Entry> decode(byte[] bytes, String source, String where) {
        return new Input(bytes, source).entries(where);
    }

    /** A growable byte array; the tree's size is known roughly in advance. */
    private static final class Output {
        byte[] buffer;
        int size;

        Output(int capacity) {
            buffer = new byte[Math.max(64, capacity)];
        }

        void ensure(int more) {
            if (buffer.length - size < more) {
                buffer = Arrays.copyOf(buffer, Math.max(size + more, buffer.length * 2));
            }
        }

        void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        }

        /** Unsigned LEB128, in the fewest bytes. */
        void varint(long value) {
            ensure(10);
            long v = value;
            while ((v & ~0x7fL) != 0) {
                buffer[size++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buffer[size++] = (byte) v;
        }

        byte[] toBytes() {
            return Arrays.copyOf(buffer, size);
        }
    }

    /** The strict reader: each check of §14.3 in order, each failure a typed exception naming the byte. */
    private static final class Input {
        private final byte[] bytes;
        private final String source;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private int pos;
        /** How many bytes the last name read shares with the one before it. */
        private int shared;

        Input(byte[] bytes, String source) {
            this.bytes = bytes;
            this.source = source;
        }

        List<Trees.Entry> entries(String where) {
            if (bytes.length > Trees.MAX_BYTES) {
                throw fail(
                        Reason.TOO_LARGE,
                        "$",
                        0,
                        "the tree has " + bytes.length + " bytes, more than the limit of " + Trees.MAX_BYTES);
            }
            pos = HEADER.length;
            long count = varint("$.entries");
            long room = (bytes.length - pos) / MIN_ENTRY_BYTES;
            if (count > room) {
                throw fail(
                        Reason.INVALID_VALUE,
                        "$.entries",
                        HEADER.length,
                        "the tree says " + count + " entries, more than its remaining " + (bytes.length - pos)
                                + " bytes can hold");
            }
            List<Trees.Entry> entries = new ArrayList<>((int) count);
            long expanded = bytes.length;
            byte[] previous = NO_NAME;
            for (int i = 0; i < count; i++) {
                String at = "$.entries[" + i + "]";
                int start = pos;
                int kind = u8(at);
                if (kind > KIND_DIR) {
                    throw fail(
                            Reason.INVALID_VALUE,
                            at + ".kind",
                            start,
                            "kind " + kind + " is none of 0 (file), 1 (executable file) and 2 (directory)");
                }
                byte[] name = name(at, previous);
                expanded += shared;
                if (expanded > Trees.MAX_BYTES) {
                    throw fail(
                            Reason.TOO_LARGE,
                            at + ".name",
                            start,
                            "the tree's names in full exceed the limit of " + Trees.MAX_BYTES + " bytes");
                }
                if (i > 0) {
                    int order = Arrays.compareUnsigned(previous, name);
                    if (order >= 0) {
                        throw fail(
                                order == 0 ? Reason.DUPLICATE_KEY : Reason.UNSORTED_KEYS,
                                at + ".name",
                                start,
                                order == 0
                                        ? "the tree lists the name of the entry before twice"
                                        : "the tree lists this name after a greater one; entries are sorted by the"
                                                + " UTF-8 bytes of their names");
                    }
                }
                String text = text(name, at, start);
                PathRules.checkName(text, where + ":" + text);
                if (kind == KIND_DIR) {
                    entries.add(new Trees.DirEntry(text, digest(at)));
                } else {
                    long size = varint(at + ".size");
                    entries.add(new Trees.FileEntry(text, size, digest(at), kind == KIND_EXECUTABLE));
                }
                previous = name;
            }
            if (pos != bytes.length) {
                throw fail(Reason.NON_CANONICAL, "$", pos, (bytes.length - pos) + " bytes follow the last entry");
            }
            return entries;
        }

        /** The shared length and the suffix, checked against the previous name: front coding has one form. */
        private byte[] name(String at, byte[] previous) {
            int start = pos;
            long prefix = varint(at + ".shared");
            if (prefix > previous.length) {
                throw fail(
                        Reason.INVALID_VALUE,
                        at + ".shared",
                        start,
                        "the entry shares " + prefix + " bytes with the name before it, which has " + previous.length);
            }
            shared = (int) prefix;
            int lengthAt = pos;
            long suffix = varint(at + ".name");
            if (suffix > bytes.length - pos) {
                throw fail(
                        Reason.INVALID_VALUE,
                        at + ".name",
                        lengthAt,
                        "the name's last " + suffix + " bytes run past the end of the tree");
            }
            if (shared < previous.length && suffix > 0 && bytes[pos] == previous[shared]) {
                throw fail(
                        Reason.NON_CANONICAL,
                        at + ".shared",
                        start,
                        "the entry shares " + shared
                                + " bytes with the name before it, but more are equal; a writer shares every equal leading"
                                + " byte");
            }
            byte[] name = new byte[shared + (int) suffix];
            System.arraycopy(previous, 0, name, 0, shared);
            System.arraycopy(bytes, pos, name, shared, (int) suffix);
            pos += (int) suffix;
            return name;
        }

        private String text(byte[] name, String at, int start) {
            boolean ascii = true;
            for (byte b : name) {
                ascii &= b >= 0;
            }
            if (ascii) {
                return new String(name, StandardCharsets.US_ASCII);
            }
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(name));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw fail(Reason.INVALID_UTF8, at + ".name", start, "the name is not valid UTF-8");
            }
        }

        private Digest digest(String at) {
            if (bytes.length - pos < DIGEST_BYTES) {
                throw fail(Reason.INVALID_VALUE, at + ".digest", pos, "the tree ends within a digest");
            }
            Digest digest = Digest.ofHash(Arrays.copyOfRange(bytes, pos, pos + DIGEST_BYTES));
            pos += DIGEST_BYTES;
            return digest;
        }

        private int u8(String at) {
            if (pos >= bytes.length) {
                throw fail(Reason.INVALID_VALUE, at + ".kind", pos, "the tree ends before the entries it announces");
            }
            return bytes[pos++] & 0xff;
        }

        /** Unsigned LEB128 of at most 63 bits, in the fewest bytes. */
        private long varint(String at) {
            int start = pos;
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= bytes.length) {
                    throw fail(Reason.INVALID_VALUE, at, start, "the tree ends within a number");
                }
                int b = bytes[pos++] & 0xff;
                if (shift == 63 && b != 0) {
                    throw fail(Reason.INVALID_VALUE, at, start, "a number above 2^63 - 1");
                }
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw fail(Reason.NON_CANONICAL, at, start, "a number in more bytes than it needs");
                    }
                    return value;
                }
            }
        }

        private LakeFormatException fail(Reason reason, String path, long offset, String detail) {
            return new LakeFormatException(
                    reason,
                    path,
                    offset,
                    source,
                    detail + "; the lake is damaged, or a tool wrote this tree against the format",
                    null);
        }
    }
}
