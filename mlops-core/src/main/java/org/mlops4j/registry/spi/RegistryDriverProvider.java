package org.mlops4j.registry.spi;

import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Opens a {@link RegistryDriver} from a URI-like setting, found through {@link java.util.ServiceLoader} by the
 * setting's scheme: {@link org.mlops4j.Mlops#fromEnvironment()} reads {@code MLOPS4J_REGISTRY} and asks the provider
 * whose {@link #schemes()} hold its scheme (e.g. {@code mlflow}, {@code mlflow+https}). A module that ships a driver
 * lists its provider in {@code META-INF/services/org.mlops4j.registry.spi.RegistryDriverProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-argument constructor.
 */
public interface RegistryDriverProvider {
    /**
     * Names the schemes this provider opens, lower case: a bare word ({@code mlflow}, then the rest comes from the
     * environment) or {@code <word>+<transport>} ({@code mlflow+https://host}).
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Opens a driver.
     *
     * @param setting the setting, e.g. {@code mlflow} or {@code mlflow+https://mlflow.internal}; may hold no secret
     * @param env the environment variables (for a server's URL and credentials)
     * @return the driver
     * @throws IllegalArgumentException if the setting or a variable it needs is malformed or missing (the message says
     *     which variable and what it should hold, never a secret)
     */
    RegistryDriver open(String setting, Function<String, @Nullable String> env);
}
