package org.mlops4j.data;

import org.mlops4j.internal.Nfc;

/** The rules every stored file name and path follows, on write and again on checkout (manifests are untrusted). */
final class PathRules {
    private PathRules() {}

    /**
     * Checks one name (one path segment).
     *
     * @param name the name
     * @param path the whole path, for the message
     * @throws UnsafePathException if the name breaks a rule
     */
    static void checkName(String name, String path) {
        if (name.isEmpty()) {
            throw new UnsafePathException(path, "empty name; paths are relative, '/'-separated, without '//'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new UnsafePathException(path, "'" + name + "' is not allowed in a dataset path");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new UnsafePathException(
                        path, "control character U+" + String.format("%04X", (int) c) + " (NUL included) in a name");
            }
            if (c == '/' || c == '\\') {
                throw new UnsafePathException(path, "separator '" + c + "' inside a name");
            }
            if (c == '\uFFFD') {
                throw new UnsafePathException(
                        path, "the name is not valid UTF-8 (it decodes to U+FFFD); rename the file");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    throw new UnsafePathException(path, "unpaired surrogate in a name");
                }
                i++;
            }
        }
        if (!Nfc.isNormalized(name)) {
            throw new UnsafePathException(
                    path, "the name is not in Unicode NFC; rename it (e.g. `convmv -f utf8 -t utf8 --nfc`)");
        }
    }

    /**
     * Checks a relative, {@code /}-separated path and returns its segments.
     *
     * @param path the path
     * @return the segments
     * @throws UnsafePathException if the path is absolute or a segment breaks a rule
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    static String[] checkRelativePath(String path) {
        if (path.startsWith("/") || path.startsWith("\\") || startsWithDrive(path)) {
            throw new UnsafePathException(path, "absolute paths are not allowed; give a path relative to the dataset");
        }
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            checkName(segment, path);
        }
        return segments;
    }

    /**
     * Whether a path starts with a Windows drive ({@code C:}, an ASCII letter and a colon): such a path is absolute
     * or drive-relative there, so it is refused as a dataset path everywhere, on write as on checkout.
     *
     * @param path the path
     * @return true if it starts with a drive
     */
    static boolean startsWithDrive(String path) {
        if (path.length() < 2 || path.charAt(1) != ':') {
            return false;
        }
        char c = path.charAt(0);
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
