package org.mlops4j.serving;

/**
 * Caps what an answer repeats of a request (a name, a header, a key), so that no answer grows with what a client sent:
 * a 20 KB endpoint name comes back as its first characters and its length.
 */
final class Echo {
    /** How many characters of a request's text an answer repeats. */
    static final int MAX_CHARS = 64;

    private Echo() {}

    /**
     * Returns the text, or its first {@link #MAX_CHARS} characters and its length when longer.
     *
     * @param text what the client sent
     * @return at most {@code MAX_CHARS} characters of it plus a short suffix
     */
    static String of(String text) {
        return of(text, MAX_CHARS);
    }

    /**
     * Returns the text, or its first {@code max} characters and its length when longer; never splits a surrogate pair.
     *
     * @param text what the client sent, or a library's message that quotes it
     * @param max how many characters to keep
     * @return at most {@code max} characters of it plus a short suffix
     */
    static String of(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…(" + text.length() + " characters)";
    }
}
