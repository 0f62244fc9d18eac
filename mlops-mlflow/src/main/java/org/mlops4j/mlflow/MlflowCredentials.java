package org.mlops4j.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How requests to an MLflow server authenticate: none, a bearer token (fixed, or from a supplier asked before every
 * request, e.g. an Azure AD token for an Azure ML workspace), or HTTP basic auth. Read from the environment the way
 * MLflow's Python client reads it ({@link #fromEnvironment()}).
 *
 * <p>The secret never leaves this object except as the {@code Authorization} header of a request: {@link #toString()}
 * names the kind only, and nothing here logs. Immutable and thread-safe (a token supplier must be thread-safe too).
 *
 * <pre>{@code
 * MlflowCredentials credentials = MlflowCredentials.bearer(() -> tokenCache.currentToken());
 * }</pre>
 */
public final class MlflowCredentials {
    private static final MlflowCredentials NONE = new MlflowCredentials("none", null);

    private final String kind;
    private final @Nullable Supplier<String> header;

    private MlflowCredentials(String kind, @Nullable Supplier<String> header) {
        this.kind = kind;
        this.header = header;
    }

    /**
     * Returns credentials that send nothing.
     *
     * @return no credentials
     */
    public static MlflowCredentials none() {
        return NONE;
    }

    /**
     * Returns a fixed bearer token.
     *
     * @param token the token
     * @return the credentials
     * @throws IllegalArgumentException if the token is blank or holds a line break
     */
    public static MlflowCredentials bearer(String token) {
        String checked = requireHeaderSafe(token, "token");
        return new MlflowCredentials("bearer token", () -> "Bearer " + checked);
    }

    /**
     * Returns a bearer token asked for before every request (a supplier that caches and refreshes it).
     *
     * @param token supplies the current token; must be thread-safe and fast
     * @return the credentials
     */
    public static MlflowCredentials bearer(Supplier<String> token) {
        Objects.requireNonNull(token, "token");
        return new MlflowCredentials(
                "bearer token supplier", () -> "Bearer " + requireHeaderSafe(token.get(), "token"));
    }

    /**
     * Returns HTTP basic credentials.
     *
     * @param username the user
     * @param password the password
     * @return the credentials
     * @throws IllegalArgumentException if the user is blank or holds a ':' or a line break
     */
    public static MlflowCredentials basic(String username, String password) {
        Objects.requireNonNull(password, "password");
        if (requireHeaderSafe(username, "username").indexOf(':') >= 0) {
            throw new IllegalArgumentException("an MLflow user name cannot contain ':' (basic auth separates with it)");
        }
        String encoded =
                Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new MlflowCredentials("basic auth for user '" + username + "'", () -> "Basic " + encoded);
    }

    /**
     * Reads {@code MLFLOW_TRACKING_TOKEN}, else {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD},
     * else none, as MLflow's Python client does.
     *
     * @return the credentials
     * @throws IllegalArgumentException if only one of user name and password is set
     */
    public static MlflowCredentials fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the variables of {@link #fromEnvironment()} from a map (for tests and hosts with their own settings).
     *
     * @param env the variables
     * @return the credentials
     * @throws IllegalArgumentException if only one of user name and password is set
     */
    public static MlflowCredentials fromEnvironment(Map<String, String> env) {
        String token = blankToNull(env.get("MLFLOW_TRACKING_TOKEN"));
        if (token != null) {
            return bearer(token);
        }
        String user = blankToNull(env.get("MLFLOW_TRACKING_USERNAME"));
        String password = env.get("MLFLOW_TRACKING_PASSWORD");
        if (user == null && password == null) {
            return NONE;
        }
        if (user == null || password == null) {
            throw new IllegalArgumentException("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together; "
                    + (user == null ? "the user name" : "the password") + " is not set");
        }
        return basic(user, password);
    }

    /** Returns the {@code Authorization} header's value, or empty; never log it. */
    Optional<String> authorization() {
        return header == null ? Optional.empty() : Optional.of(header.get());
    }

    /** Names the kind of credentials, never the secret. */
    @Override
    public String toString() {
        return "MlflowCredentials{" + kind + "}";
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String requireHeaderSafe(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an MLflow " + what + " is not blank and holds no line break");
        }
        return value;
    }
}
