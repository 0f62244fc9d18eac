package org.mlops4j.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
import org.mlops4j.deploy.local.ScoringEndpoints;

/**
 * Starts the front under test: this module's {@link ScoringServer}, or with {@code -Dmlops4j.serving.front=jdk} the
 * JDK-server front it replaces ({@link JdkFront}, which ignores every setting but the size limit), so that each
 * finding's test can be seen to fail there.
 */
final class Fronts {
    static final String FRONT = System.getProperty("mlops4j.serving.front", "jetty");

    private Fronts() {}

    /** A running front. */
    interface Front extends AutoCloseable {
        String baseUri();

        int port();

        @Override
        void close();
    }

    static Front start(ScoringEndpoints endpoints) {
        return start(endpoints, b -> b);
    }

    static Front start(ScoringEndpoints endpoints, UnaryOperator<ScoringServer.Builder> settings) {
        return FRONT.equals("jdk")
                ? jdk(endpoints, 1 << 20)
                : jetty(settings.apply(ScoringServer.builder().endpoints(endpoints)));
    }

    static Front jdk(ScoringEndpoints endpoints, int maxRequestBytes) {
        try {
            return new JdkFront(endpoints, maxRequestBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Front jetty(ScoringServer.Builder builder) {
        ScoringServer server = builder.build();
        return new Front() {
            @Override
            public String baseUri() {
                return server.getBaseUri();
            }

            @Override
            public int port() {
                return server.getPort();
            }

            @Override
            public void close() {
                server.close();
            }

            @Override
            public String toString() {
                return server.toString();
            }
        };
    }
}
