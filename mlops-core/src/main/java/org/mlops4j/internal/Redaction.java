package org.mlops4j.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What MLOps4J may echo of a value it was given: configuration values (paths, URIs, environment variables, system
 * properties) lose their secrets, and untrusted names are cut short. Used wherever such a value reaches a log line, an
 * exception message or a {@code toString()}. Not public API. Thread-safe (stateless).
 *
 * <p>{@link #redact} hides, in any text: a URI's query string and fragment (SAS tokens: {@code ?sv=…&sig=…}), the
 * password of {@code user:password@host}, the value of a {@code key=value} pair whose key names a secret
 * ({@code sig}, {@code AccountKey}, {@code password}, {@code token}, …, as in Azure connection strings), and the token
 * after {@code Bearer} or {@code Basic}. It keeps enough to recognise the value: scheme, host and path.
 *
 * <pre>{@code
 * Redaction.redact("https://acct.blob.core.windows.net/c?sv=2022&sig=abc")  // https://acct.blob.core.windows.net/c?…
 * Redaction.abbreviate("x".repeat(10_000))                                    // xxx…x… (10000 chars)
 * }</pre>
 */
public final class Redaction {
    /** What replaces a hidden secret. */
    public static final String HIDDEN = "…";

    /** How many characters of an untrusted value a message shows. */
    public static final int SHOWN_CHARS = 100;

    /** {@code scheme:} at the start of a value: two or more characters, so that {@code C:} (a drive) is not one. */
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    /** A URI's {@code ?query} and {@code #fragment}, up to the next white space or quote. */
    private static final Pattern QUERY = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+:/[^\\s'\"?#]*)[?#][^\\s'\"]*");

    /** The password of {@code scheme://user:password@host}, and of {@code user:password@host} after a slash. */
    private static final Pattern USER_INFO = Pattern.compile("(//|^|[\\s'\"=(/])([^\\s'\"/:@]+):[^\\s'\"/@]*@");

    /** {@code key=value} (or {@code key:value}) where the key names a secret; the value ends at {@code & ; ,} or space. */
    private static final Pattern SECRET_PAIR =
            Pattern.compile("(?i)((?:^|[?&;,\\s'\"{(])[\\w.-]*(?:sig|signature|accountkey|account_key|sharedaccesskey|"
                    + "sharedaccesssignature|password|passwd|pwd|secret|token|apikey|api_key|api-key|credential|"
                    + "client_secret|access_key|key)\\s*[=:]\\s*)[^&;,\\s'\"})]+");

    /** The token of an HTTP {@code Authorization} value. */
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

    private Redaction() {}

    /**
     * Hides every secret this class knows in a text (see the class comment).
     *
     * @param text any text, e.g. a path, a URI, a connection string
     * @return the text with secrets replaced by {@value #HIDDEN}; null gives {@code "null"}
     */
    public static String redact(@org.jspecify.annotations.Nullable Object text) {
        if (text == null) {
            return "null";
        }
        String s = text.toString();
        s = QUERY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "?" + HIDDEN));
        s = USER_INFO
                .matcher(s)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + ":" + HIDDEN + "@"));
        s = SECRET_PAIR.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN));
        s = AUTHORIZATION.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + HIDDEN));
        return s;
    }

    /**
     * Whether a value meant as a local path is a URI ({@code https://…}, {@code abfss://…}, {@code file:/…}): a
     * {@link java.nio.file.Path} would take it as a relative path and make directories named after its parts.
     *
     * @param value the value as given (a {@code Path}'s text, an environment variable)
     * @return true if it starts with a scheme of two or more characters and a colon
     */
    public static boolean looksLikeUri(String value) {
        return URI_SCHEME.matcher(value).find();
    }

    /**
     * Refuses a URI given where a local path is expected, showing it redacted.
     *
     * @param what names the setting in the message, e.g. {@code MLOPS4J_HOME} or {@code localLake}
     * @param value the value as given
     * @return the value
     * @throws IllegalArgumentException if the value is a URI ({@link #looksLikeUri})
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    public static String requireLocalPath(String what, String value) {
        if (looksLikeUri(value)) {
            throw new IllegalArgumentException(what + " must be a directory on this machine, got a URI ("
                    + redact(value) + "); for a lake in a blob container, name it with MLOPS4J_LAKE or"
                    + " Mlops.builder().lake(uri), or pass its ObjectStore to Mlops.builder().objectStore(…)");
        }
        return value;
    }

    /**
     * Cuts an untrusted value short for a message: its first {@value #SHOWN_CHARS} characters, then
     * {@code … (N chars)}; control characters are shown as {@code \}{@code uXXXX}.
     *
     * @param value the value
     * @return what a message may show of it
     */
    public static String abbreviate(String value) {
        return abbreviate(value, SHOWN_CHARS);
    }

    /**
     * Cuts an untrusted value short for a message, as {@link #abbreviate(String)} does, after {@code max} characters
     * (code points): for values that are legitimately longer than a name, such as paths and keys.
     *
     * @param value the value
     * @param max how many characters to show, at least 1
     * @return what a message may show of it
     */
    public static String abbreviate(String value, int max) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length() && shown < max; shown++) {
            int cp = value.codePointAt(i);
            if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        if (value.codePointCount(0, value.length()) > max) {
            sb.append(HIDDEN).append(" (").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }
}
