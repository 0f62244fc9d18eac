package org.mlops4j.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Function;

/**
 * Finds, among the {@link ServiceLoader} providers of one SPI, the one that opens a setting's URI scheme: shared by
 * the registry drivers and the lakes, whose errors differ only in their words. Not API.
 */
public final class SchemeProviders {
    private SchemeProviders() {}

    /**
     * Returns the scheme of a setting: the text before {@code :}, or the whole setting if it has none; lower case.
     *
     * @param setting the setting
     * @return the scheme
     */
    public static String scheme(String setting) {
        int colon = setting.indexOf(':');
        return (colon < 0 ? setting : setting.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the first provider whose schemes hold {@code scheme}.
     *
     * @param type the SPI
     * @param schemes a provider's schemes
     * @param scheme the scheme wanted, lower case
     * @param loader where providers are looked up
     * @param found receives the schemes of the providers that do not open it, for the error message
     * @param <P> the SPI type
     * @return the provider, or empty
     */
    public static <P> Optional<P> find(
            Class<P> type,
            Function<P, Set<String>> schemes,
            String scheme,
            ClassLoader loader,
            SortedSet<String> found) {
        for (P provider : ServiceLoader.load(type, loader)) {
            Set<String> own = schemes.apply(provider);
            if (own.contains(scheme)) {
                return Optional.of(provider);
            }
            found.addAll(own);
        }
        return Optional.empty();
    }
}
