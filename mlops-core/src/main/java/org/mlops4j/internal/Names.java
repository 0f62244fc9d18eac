package org.mlops4j.internal;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Objects;
import java.util.regex.Pattern;

/** The naming rule shared by datasets and registered models: one safe store-key segment. Not public API. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_-][\\p{L}\\p{N}._-]{0,127}");

    private Names() {}

    /**
     * Checks a name.
     *
     * @param kind what is named, for the message, e.g. {@code dataset}
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    @CanIgnoreReturnValue
    public static String requireValid(String kind, String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || !Nfc.isNormalized(name)) {
            throw new IllegalArgumentException("invalid " + kind + " name '" + Redaction.abbreviate(name)
                    + "': use 1 to 128 letters, digits," + " '.', '_' or '-' (in Unicode NFC), not starting with '.'");
        }
        return name;
    }
}
