package org.mlops4j.serving;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Where a request goes, read from its raw (still percent-encoded) path. The path is split on {@code /} before each
 * segment is decoded, and a segment that decodes to a {@code /} is refused: {@code /endpoints/a%2Fscore} must not
 * become endpoint {@code a}'s scoring route.
 *
 * @param kind the route
 * @param endpoint the endpoint's name (decoded) for the per-endpoint routes, else empty
 */
record Route(Kind kind, String endpoint) {
    /** The routes this server answers. */
    enum Kind {
        /** {@code GET /health}. */
        HEALTH,
        /** {@code POST /endpoints/<name>/score}: the native {@code {"rows":[…]}}. */
        SCORE,
        /** {@code POST /endpoints/<name>/invocations}: MLflow's scoring formats. */
        INVOCATIONS,
        /** {@code GET /endpoints/<name>/health}. */
        ENDPOINT_HEALTH,
        /** Any other path. */
        NONE
    }

    private static final String PREFIX = "/endpoints/";

    /**
     * Reads a request's raw path.
     *
     * @param rawPath the path as sent, without the query
     * @return the route; {@link Kind#NONE} for a path this server does not answer
     * @throws IllegalArgumentException if a segment is not valid percent-encoded UTF-8 or decodes to a {@code /}
     */
    static Route parse(String rawPath) {
        if (rawPath.equals("/health")) {
            return new Route(Kind.HEALTH, "");
        }
        if (!rawPath.startsWith(PREFIX)) {
            return new Route(Kind.NONE, "");
        }
        String rest = rawPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            return new Route(Kind.NONE, "");
        }
        String action = rest.substring(slash + 1);
        Kind kind;
        switch (action) {
            case "score":
                kind = Kind.SCORE;
                break;
            case "invocations":
                kind = Kind.INVOCATIONS;
                break;
            case "health":
                kind = Kind.ENDPOINT_HEALTH;
                break;
            default:
                return new Route(Kind.NONE, "");
        }
        return new Route(kind, decodeSegment(rest.substring(0, slash)));
    }

    /**
     * Decodes one path segment's {@code %XX} escapes as UTF-8; {@code +} stays a plus.
     *
     * @throws IllegalArgumentException if an escape is malformed, the bytes are not UTF-8 or one is a {@code /}
     */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
                continue;
            }
            int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new IllegalArgumentException("the path segment '" + Echo.of(segment) + "' has a malformed"
                        + " %-escape; encode each byte as %XX with two hex digits");
            }
            int b = high * 16 + low;
            if (b == '/' || b == '\\') {
                throw new IllegalArgumentException("the path segment '" + Echo.of(segment) + "' encodes a '"
                        + (char) b + "' (%" + Integer.toHexString(b).toUpperCase(java.util.Locale.ROOT) + "), which"
                        + " this server never decodes into a name; endpoint names have no slashes");
            }
            bytes.write(b);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the path segment '" + Echo.of(segment) + "' does not decode as"
                    + " UTF-8; percent-encode the name's UTF-8 bytes");
        }
    }
}
