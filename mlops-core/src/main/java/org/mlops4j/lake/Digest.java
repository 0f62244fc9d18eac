package org.mlops4j.lake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A SHA-256 content address, written {@code sha256:<64 lowercase hex digits>} everywhere in the lake.
 *
 * <p>Immutable and thread-safe. Example: {@code Digest.of(bytes)}, {@code Digest.parse("sha256:e3b0…")}.
 *
 * @param hex the 64 lowercase hex digits of the SHA-256 hash
 */
public record Digest(String hex) implements Comparable<Digest> {
    /** The prefix every digest carries in the lake format. */
    public static final String PREFIX = "sha256:";

    private static final HexFormat HEX = HexFormat.of();

    /**
     * Validates the hex digits.
     *
     * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex digits
     */
    public Digest {
        Objects.requireNonNull(hex, "hex");
        if (!isLowerHex64(hex)) {
            throw new IllegalArgumentException("digest hex must be 64 lowercase hex digits, got '" + abbreviate(hex)
                    + "' (" + hex.length() + " chars)");
        }
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
        return new Digest(HEX.formatHex(hash));
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
        return HEX.parseHex(hex);
    }

    /** Returns the written form, {@code sha256:<hex>}. */
    @Override
    public String toString() {
        return PREFIX + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
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
