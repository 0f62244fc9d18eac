package org.mlops4j.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.ModelLoader;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.serving.ScoringServer;

/** Test helpers for the deployers: models, loaders, a settable clock and an HTTP client. */
final class DeployFixtures {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private DeployFixtures() {}

    /**
     * Registers a linear model {@code y = intercept + x} whose artifacts are a real {@code linear.json}.
     *
     * @param flavor {@code linear}, or {@code failing} for a model whose predictor throws
     */
    static ModelVersion register(
            Mlops mlops, Path temp, String name, double intercept, String flavor, DatasetRef... trainedOn) {
        Path dir = temp.resolve("artifacts-" + name + "-" + intercept + "-" + flavor);
        var unused = LinearModelLoader.write(dir, intercept, Map.of("x", 1.0));
        ModelRegistration registration = new ModelRegistration(name)
                .artifacts(dir)
                .tag(LinearModelLoader.FLAVOR_TAG, flavor)
                .metric("auc", 0.8 + intercept / 1000)
                .requestId(name + "-" + intercept + "-" + flavor);
        for (DatasetRef dataset : trainedOn) {
            registration.input(dataset, ModelInput.TRAIN);
        }
        return mlops.registry().register(registration);
    }

    /**
     * A deployer on a lake for tests, served by the Jetty front on a free port: the linear loader, one that always fails
     * and one of NaNs, polled every millisecond.
     */
    static LocalDeployer.Builder deployerOn(Mlops mlops) {
        return deployerOn(mlops, ScoringServer.builder());
    }

    /** {@link #deployerOn(Mlops)} with the front's settings given. */
    static LocalDeployer.Builder deployerOn(Mlops mlops, ScoringServer.Builder front) {
        return LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .loader(new FailingLoader())
                .loader(new NanLoader())
                .front(front)
                .pollInterval(Duration.ofMillis(1));
    }

    static HttpResponse<String> post(String uri, String body) {
        return send(HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static HttpResponse<String> get(String uri) {
        return send(HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String rows(double x) {
        return "{\"rows\":[{\"x\":" + x + ",\"city\":\"Oslo\"}]}";
    }

    static String model(HttpResponse<?> response) {
        return response.headers().firstValue("X-Mlops-Model").orElse("none");
    }

    static String slot(HttpResponse<?> response) {
        return response.headers().firstValue("X-Mlops-Slot").orElse("none");
    }

    /** Serves models of flavor {@code failing}: every prediction throws, as a broken model would. */
    static final class FailingLoader implements ModelLoader {
        @Override
        public boolean supports(ModelVersion version) {
            return "failing".equals(version.getTags().get(LinearModelLoader.FLAVOR_TAG));
        }

        @Override
        public Predictor load(ModelVersion version, Path artifacts) {
            return rows -> {
                throw new IllegalStateException("model " + version.getRef() + " is broken");
            };
        }
    }

    /** Serves models of flavor {@code nan}: every prediction is a NaN, which JSON cannot carry. */
    static final class NanLoader implements ModelLoader {
        @Override
        public boolean supports(ModelVersion version) {
            return "nan".equals(version.getTags().get(LinearModelLoader.FLAVOR_TAG));
        }

        @Override
        public Predictor load(ModelVersion version, Path artifacts) {
            return rows -> rows.stream().map(row -> (Object) Double.NaN).toList();
        }
    }

    /**
     * Serves linear models through predictors that fail loudly if used after close, and pause briefly in each
     * prediction so that switches happen while requests are in flight.
     */
    static final class GuardedLinearLoader implements ModelLoader {
        private final LinearModelLoader linear = new LinearModelLoader();

        @Override
        public boolean supports(ModelVersion version) {
            return "guarded".equals(version.getTags().get(LinearModelLoader.FLAVOR_TAG));
        }

        @Override
        public Predictor load(ModelVersion version, Path artifacts) {
            Predictor inner = linear.load(version, artifacts);
            AtomicBoolean closed = new AtomicBoolean();
            return new Predictor() {
                @Override
                public List<Object> predict(List<Map<String, Object>> rows) {
                    if (closed.get()) {
                        throw new IllegalStateException(version.getRef() + " used after close");
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    List<Object> out = inner.predict(rows);
                    if (closed.get()) {
                        throw new IllegalStateException(version.getRef() + " closed during a prediction");
                    }
                    return out;
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
        }
    }
}
