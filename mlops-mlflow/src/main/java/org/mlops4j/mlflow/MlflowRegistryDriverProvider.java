package org.mlops4j.mlflow;

import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.RegistryDriverProvider;

/**
 * Opens {@link MlflowRegistryDriver} for {@code MLOPS4J_REGISTRY=mlflow} (the server in {@code MLFLOW_TRACKING_URI}) and
 * {@code mlflow+http://…} / {@code mlflow+https://…} (that server), with MLflow's credential and TLS variables. Found by
 * {@link java.util.ServiceLoader}; not called directly.
 */
public final class MlflowRegistryDriverProvider implements RegistryDriverProvider {
    /** For the service loader. */
    public MlflowRegistryDriverProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("mlflow", "mlflow+http", "mlflow+https");
    }

    @Override
    public RegistryDriver open(String setting, Function<String, @Nullable String> env) {
        String s = setting.strip();
        if (s.equalsIgnoreCase("mlflow")) {
            String uri = env.apply("MLFLOW_TRACKING_URI");
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException("MLOPS4J_REGISTRY=mlflow takes the server from MLFLOW_TRACKING_URI,"
                        + " which is not set; set it (e.g. http://localhost:5000) or use"
                        + " MLOPS4J_REGISTRY=mlflow+http://host:port");
            }
            return MlflowRegistryDriver.fromEnvironment(uri, env);
        }
        int plus = s.indexOf('+');
        if (plus < 0 || !s.substring(plus + 1).matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("MLOPS4J_REGISTRY is mlflow, mlflow+http://host[:port] or"
                    + " mlflow+https://host[:port][/path]; got a value starting with '"
                    + s.substring(0, Math.min(s.length(), 12)) + "'");
        }
        return MlflowRegistryDriver.fromEnvironment(s.substring(plus + 1), env);
    }

    @Override
    public String toString() {
        return "MlflowRegistryDriverProvider" + schemes();
    }
}
