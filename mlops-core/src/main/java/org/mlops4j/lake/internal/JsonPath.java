package org.mlops4j.lake.internal;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Quoting;

/**
 * A JSON path for messages, such as {@code $.entries[3]["odd key"]}; built cheaply, rendered only on failure.
 * Immutable.
 */
final class JsonPath {
    static final JsonPath ROOT = new JsonPath(null, null, -1);

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    private final @Nullable JsonPath parent;
    private final @Nullable String field;
    private final int index;

    private JsonPath(@Nullable JsonPath parent, @Nullable String field, int index) {
        this.parent = parent;
        this.field = field;
        this.index = index;
    }

    JsonPath field(String name) {
        return new JsonPath(this, name, -1);
    }

    JsonPath index(int i) {
        return new JsonPath(this, null, i);
    }

    @Override
    public String toString() {
        if (parent == null) {
            return "$";
        }
        String prefix = parent.toString();
        if (field == null) {
            return prefix + "[" + index + "]";
        }
        return PLAIN.matcher(field).matches() ? prefix + "." + field : prefix + "[" + Quoting.abbreviate(field) + "]";
    }
}
