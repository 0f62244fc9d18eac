package org.mlops4j.deploy.local;

/**
 * A running HTTP front of the local target: it serves the target's {@link ScoringEndpoints} at a base URI. Core has
 * no HTTP server of its own; module {@code mlops-serving} provides one ({@code ScoringServer}, whose builder is a
 * {@link Factory}).
 */
public interface ScoringFront extends AutoCloseable {
    /**
     * Returns where the front listens, e.g. {@code http://127.0.0.1:43521}.
     *
     * @return the base URI, without a trailing slash
     */
    String getBaseUri();

    /**
     * Returns the port the front listens on.
     *
     * @return the port
     */
    int getPort();

    /** Stops serving; idempotent. */
    @Override
    void close();

    /** Starts a front over a target's endpoints; the local target calls it once, when it starts. */
    @FunctionalInterface
    interface Factory {
        /**
         * Starts serving the endpoints.
         *
         * @param endpoints the local target's endpoints, looked up by name on every request
         * @return the running front; the target closes it when it closes
         * @throws org.mlops4j.common.MlopsException if it cannot start (say, its port is in use); a factory throws
         *     nothing outside MLOps4J's tree but the JDK's precondition types
         */
        ScoringFront start(ScoringEndpoints endpoints);
    }
}
