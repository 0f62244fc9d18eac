package org.mlops4j.registry.internal;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Redaction;
import org.mlops4j.internal.SchemeProviders;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.RegistryDriverProvider;

/**
 * Finds the registry driver a setting such as {@code mlflow} or {@code mlflow+https://host} names, by its scheme,
 * among the {@link RegistryDriverProvider}s on the class path. Never falls back: an unknown scheme or a missing
 * module is an error that names the providers found and the artifact to add. Not API.
 */
public final class RegistryDrivers {
    /** The modules that ship a provider, by the word before any {@code +}: what the error tells the user to add. */
    private static final Map<String, String> ARTIFACTS = Map.of("mlflow", "org.mlops4j:mlops-mlflow");

    private RegistryDrivers() {}

    /**
     * Returns the scheme of a setting: the text before {@code :}, or the whole setting if it has none; lower case.
     *
     * @param setting the setting
     * @return the scheme
     */
    public static String scheme(String setting) {
        return SchemeProviders.scheme(setting);
    }

    /**
     * Opens the driver a setting names.
     *
     * @param variable the variable the setting came from, for messages
     * @param setting the setting
     * @param env the environment, passed to the provider
     * @param loader where providers are looked up
     * @return the driver
     * @throws IllegalArgumentException if no provider on the class path opens the setting's scheme (the message names
     *     the schemes found and the Maven artifact to add), or if the provider refuses the setting
     */
    public static RegistryDriver open(
            String variable, String setting, Function<String, @Nullable String> env, ClassLoader loader) {
        String scheme = scheme(setting);
        TreeSet<String> found = new TreeSet<>();
        var provider = SchemeProviders.find(
                RegistryDriverProvider.class, RegistryDriverProvider::schemes, scheme, loader, found);
        if (provider.isPresent()) {
            return provider.get().open(setting.strip(), env);
        }
        String word = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        String artifact = ARTIFACTS.get(word);
        throw new IllegalArgumentException(variable + "=" + Redaction.redact(setting) + " names the registry scheme '"
                + scheme + "', but no registry driver on the class path opens it (found: "
                + (found.isEmpty() ? "none" : String.join(", ", found)) + "); "
                + (artifact == null
                        ? "known schemes are embedded and mlflow, mlflow+http(s)://host"
                        : "add the Maven artifact " + artifact + " to the class path")
                + ", or unset " + variable + " for the embedded registry in the lake");
    }
}
