package org.mlops4j.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads what an Azure Storage connection string ({@code Name=value;…}) holds, to name its secrets so that no message
 * repeats them, and to check that it is for the lake's account. Stateless.
 */
final class ConnectionStrings {
    private static final Pattern SEMICOLON = Pattern.compile(";");
    private static final Pattern AMPERSAND = Pattern.compile("&");

    private ConnectionStrings() {}

    /**
     * Returns a part's value.
     *
     * @param connectionString the connection string
     * @param name the part's name, compared without case
     * @return the value, or {@code null} if absent
     */
    static @Nullable String value(String connectionString, String name) {
        for (String part : SEMICOLON.split(connectionString)) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    /** Returns the secrets of a connection string: its account key and SAS, and the SAS's signature. */
    static List<String> secrets(String connectionString) {
        List<String> secrets = new ArrayList<>();
        String key = value(connectionString, "AccountKey");
        if (key != null) {
            secrets.add(key);
        }
        String sas = value(connectionString, "SharedAccessSignature");
        if (sas != null) {
            secrets.add(sas);
            sasSignature(sas).ifPresent(secrets::add);
        }
        return secrets;
    }

    /** Returns the {@code sig} of a SAS token, decoded as it may appear in a message. */
    static Optional<String> sasSignature(String sas) {
        for (String pair : AMPERSAND.split(sas)) {
            if (pair.toLowerCase(Locale.ROOT).startsWith("sig=")) {
                return Optional.of(URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
