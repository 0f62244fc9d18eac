package org.mlops4j.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SHA-256 content address, written {@code sha256:<64 lowercase hex digits>} everywhere in the lake.
 *
 * <p>Immutable and thread-safe. Example: {@code Digest.of(bytes)}, {@code Digest.parse("sha256:e3b0…")}. Holds the
 * 32 hash bytes as four numbers (48 bytes per digest, where the hex text took 120): a snapshot keeps one per file.
 */
public final class Digest implements Comparable<Digest> {
    /** The prefix every digest carries in the lake format. */
    public static final String PREFIX = "sha256:";

    private static final HexFormat HEX = HexFormat.of();

    /** The hash, big-endian: {@code h0} holds bytes 0 to 7. */
    private final long h0;

    private final long h1;
    private final long h2;
    private final long h3;

    /**
     * Reads 64 lowercase hex digits.
     *
     * @param hex the 64 lowercase hex digits of the SHA-256 hash
     * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex digits
     */
    public Digest(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (!isLowerHex64(hex)) {
            throw new IllegalArgumentException("digest hex must be 64 lowercase hex digits, got '" + abbreviate(hex)
                    + "' (" + hex.length() + " chars)");
        }
        this.h0 = Long.parseUnsignedLong(hex, 0, 16, 16);
        this.h1 = Long.parseUnsignedLong(hex, 16, 32, 16);
        this.h2 = Long.parseUnsignedLong(hex, 32, 48, 16);
        this.h3 = Long.parseUnsignedLong(hex, 48, 64, 16);
    }

    private Digest(long h0, long h1, long h2, long h3) {
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
        this.h3 = h3;
    }

    /**
     * Parses the lake's written form {@code sha256:<64 hex>}.
     *
     * @param text the written form
     * @return the digest
     * @throws IllegalArgumentException if the text is not of that form (another algorithm, upper case, wrong length)
     */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("digest must start with '" + PREFIX + "', got '" + abbreviate(text)
                    + "'; only SHA-256 is supported");
        }
        return new Digest(text.substring(PREFIX.length()));
    }

    /**
     * Hashes bytes.
     *
     * @param bytes the bytes
     * @return their SHA-256 digest
     */
    public static Digest of(byte[] bytes) {
        return ofHash(newSha256().digest(bytes));
    }

    /**
     * Wraps a raw 32-byte SHA-256 hash.
     *
     * @param hash the hash bytes
     * @return the digest
     * @throws IllegalArgumentException if {@code hash} is not 32 bytes long
     */
    public static Digest ofHash(byte[] hash) {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a SHA-256 hash has 32 bytes, got " + hash.length);
        }
        ByteBuffer words = ByteBuffer.wrap(hash); // big-endian
        return new Digest(words.getLong(), words.getLong(), words.getLong(), words.getLong());
    }

    /** Returns the 64 lowercase hex digits of the hash. */
    public String hex() {
        return HEX.toHexDigits(h0) + HEX.toHexDigits(h1) + HEX.toHexDigits(h2) + HEX.toHexDigits(h3);
    }

    /** Returns a new SHA-256 {@link MessageDigest}; the JDK's implementation uses the CPU's SHA intrinsics. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    /** Returns the 32 hash bytes. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(32)
                .putLong(h0)
                .putLong(h1)
                .putLong(h2)
                .putLong(h3)
                .array();
    }

    /** Returns the written form, {@code sha256:<hex>}. */
    @Override
    public String toString() {
        return PREFIX + hex();
    }

    /** Orders as the hex digits do. */
    @Override
    public int compareTo(Digest other) {
        int c = Long.compareUnsigned(h0, other.h0);
        if (c == 0) {
            c = Long.compareUnsigned(h1, other.h1);
        }
        if (c == 0) {
            c = Long.compareUnsigned(h2, other.h2);
        }
        return c != 0 ? c : Long.compareUnsigned(h3, other.h3);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Digest d && h0 == d.h0 && h1 == d.h1 && h2 == d.h2 && h3 == d.h3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(h0); // the hash's own bits: uniform already
    }

    private static boolean isLowerHex64(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
