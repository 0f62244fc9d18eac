package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.RegistryEnvironment;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.resilience.RetryPolicy;
import org.mlops4j.store.ObjectTag;

/**
 * A {@link RegistryDriver} on an MLflow tracking server (2.x or 3.x), over its REST API in pure Java: registered models,
 * model versions with their tags, aliases as MLflow model-version aliases, and artifacts through the server's artifact
 * proxy. Use it under the core's registry, which adds request-id idempotency, lineage, alias history and, since MLflow
 * cannot move an alias by compare-and-set, a lease in the lake around each move:
 *
 * <pre>{@code
 * RegistryDriver mlflow = MlflowRegistryDriver.builder("http://mlflow.internal:5000")
 *         .credentials(MlflowCredentials.fromEnvironment())
 *         .build();
 * Mlops mlops = Mlops.builder().objectStore(lake).registryDriver(mlflow).build();
 * }</pre>
 *
 * <p>How records map onto MLflow:
 *
 * <ul>
 *   <li>A version is an MLflow model version of the registered model of the same name (created on first use). Its
 *       MLOps4J record (metrics, params, signature, inputs, …) is JSON in the version's tags {@code mlops4j.record.*},
 *       its request id in {@code mlops4j.request}; the user's tags are also plain MLflow tags, so that MLflow's UI and
 *       search see them.
 *   <li>Every version has a {@code source} inside the artifact root of an MLflow run and that run's {@code run_id}, as
 *       MLflow 3.17+ requires: the run that uploaded its files, or, for artifacts elsewhere (a lake tree, an {@code s3://}
 *       URI, none), an empty run created for the registration; the real location is in the record.
 *   <li>Files go through {@code /api/2.0/mlflow-artifacts/artifacts/…} in one streamed PUT each, hashed with SHA-256 on
 *       the way; the run records the manifest of hashes in its tags, and every read is verified against it.
 *   <li>An alias is an MLflow alias ({@code models:/<name>@<alias>} works in every MLflow client); its last move (who,
 *       when, why, sequence) is JSON in the registered model's tag {@code mlops4j.alias.<alias>}, which is written first
 *       and is what this driver reads. MLflow reserves the aliases {@code latest} and {@code v<digits>}.
 * </ul>
 *
 * <p>Capabilities: no atomic alias move (MLflow has no conditional update); conditional create (MLflow numbers versions
 * in its database, and a repeated request that landed as the newest version is recognised); no metric search.
 *
 * <p>Transport: one JDK {@code HttpClient} with timeouts, the core's {@link RetryPolicy} for idempotent calls only;
 * MLflow errors become {@link NotFoundException}, {@link ConflictException}, {@link
 * org.mlops4j.common.AuthenticationException}, {@link org.mlops4j.common.ServiceUnavailableException} or {@link
 * org.mlops4j.common.MlopsServiceException}. Credentials never appear in logs, messages or {@link #toString()}.
 *
 * <p>Thread-safe; build one per server and share it.
 */
public final class MlflowRegistryDriver implements RegistryDriver {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MlflowRegistryDriver.class);
    private static final Pattern RESERVED_ALIAS = Pattern.compile("(?i)latest|v\\d+");
    private static final int PAGE_SIZE = 100;
    private static final String TOKEN_PREFIX = "mlflow:";

    private final String trackingUri;
    private final MlflowCredentials credentials;
    private final MlflowHttp http;
    private final MlflowRuns runs;
    private final MlflowArtifacts artifacts;
    private final MlflowParallel parallel;
    private final MlflowTracking tracking;
    private final boolean aliases;
    private final boolean copyLakeArtifacts;
    private volatile @Nullable MlflowLimits limits;
    private volatile @Nullable RegistryEnvironment environment;

    private MlflowRegistryDriver(Builder b) {
        this.trackingUri = b.trackingUri;
        this.credentials = b.credentials;
        this.http = new MlflowHttp(
                b.trackingUri,
                b.credentials,
                b.connectTimeout,
                b.requestTimeout,
                b.transferTimeout,
                b.retryPolicy,
                b.sslContext);
        this.runs = new MlflowRuns(http, b.experimentName, b.clock);
        this.parallel = new MlflowParallel(b.executor == null ? MlflowParallel.defaultExecutor() : b.executor);
        this.artifacts = new MlflowArtifacts(http, runs, parallel);
        this.tracking = new MlflowTracking(http, runs, artifacts);
        this.aliases = b.aliases;
        this.copyLakeArtifacts = b.copyLakeArtifacts;
    }

    /**
     * Starts a driver for a tracking server.
     *
     * @param trackingUri the server's base URL, {@code http(s)://host[:port][/path]}, without credentials
     * @return a builder
     * @throws IllegalArgumentException if the URL is not an http(s) URL, or carries user info or a query
     */
    public static Builder builder(String trackingUri) {
        return new Builder(trackingUri);
    }

    /**
     * Builds a driver from {@code MLFLOW_TRACKING_URI} and the credential variables of {@link
     * MlflowCredentials#fromEnvironment()}, with default timeouts and retries.
     *
     * @return the driver
     * @throws IllegalStateException if {@code MLFLOW_TRACKING_URI} is not set
     * @throws IllegalArgumentException if it or the credentials are malformed
     */
    public static MlflowRegistryDriver fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /**
     * Builds a driver from {@code MLFLOW_TRACKING_URI}, the credential variables of {@link
     * MlflowCredentials#fromEnvironment()}, and the TLS variables of {@link MlflowTls#fromEnvironment}.
     *
     * @param env the variables
     * @return the driver
     * @throws IllegalStateException if {@code MLFLOW_TRACKING_URI} is not set
     * @throws IllegalArgumentException if it, the credentials or the TLS settings are malformed
     */
    static MlflowRegistryDriver fromEnvironment(java.util.function.Function<String, @Nullable String> env) {
        String uri = env.apply("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("MLFLOW_TRACKING_URI is not set; set it to the MLflow server's URL, e.g."
                    + " http://localhost:5000");
        }
        return fromEnvironment(uri, env);
    }

    /** A driver for a given server, with credentials and TLS settings from the environment. */
    static MlflowRegistryDriver fromEnvironment(String uri, java.util.function.Function<String, @Nullable String> env) {
        Builder builder = builder(uri).credentials(MlflowCredentials.fromEnvironment(variables(env)));
        MlflowTls.fromEnvironment(env).ifPresent(builder::sslContext);
        return builder.build();
    }

    private static Map<String, String> variables(java.util.function.Function<String, @Nullable String> env) {
        Map<String, String> vars = new java.util.HashMap<>();
        for (String name : List.of("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")) {
            String value = env.apply(name);
            if (value != null) {
                vars.put(name, value);
            }
        }
        return vars;
    }

    /**
     * Atomic alias moves: no (MLflow has no conditional update); conditional create: yes; metric search: no; aliases:
     * yes, unless the builder said the server has none ({@link Builder#withoutAliases()}).
     */
    @Override
    public RegistryCapabilities capabilities() {
        return new RegistryCapabilities(false, true, false, aliases);
    }

    /** Keeps the lake's datasets, to describe a version's dataset inputs and copy its lake artifacts to MLflow. */
    @Override
    public void attach(RegistryEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** The server's limits, asked once. */
    MlflowLimits limits() {
        MlflowLimits l = limits;
        if (l == null) {
            l = MlflowLimits.read(http);
            limits = l;
        }
        return l;
    }

    // --- versions ----------------------------------------------------------------------------------------------

    /**
     * Creates the version in MLflow: its run (the upload's, or one made here) gets the params, metrics, tags and
     * dataset inputs while an earlier attempt of the request is looked for (a read, sent meanwhile); then the version
     * is created, sent once. MLflow numbers it.
     */
    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        // the record holds no number (MLflow's answer gives it), so the record of any number serves until then
        ModelVersion template = recordForNumber.apply(1);
        MlflowLimits serverLimits = limits();
        RegistryEnvironment env = environment;
        Optional<ArtifactLocation> location = template.getArtifactLocation();
        Optional<String> uri = location.flatMap(ArtifactLocation::getUri);
        Optional<String> uploadRun = uri.flatMap(MlflowArtifacts::runIdOf);
        String source;
        String runId;
        String runRoot;
        boolean ownRun = uri.isEmpty() || uploadRun.isEmpty();
        CompletableFuture<Optional<ModelVersion>> earlier;
        if (!ownRun) {
            source = uri.get(); // the files were uploaded under this run by storeArtifacts
            runId = uploadRun.get();
            runRoot = source.substring(0, source.indexOf("/artifacts") + "/artifacts".length());
            earlier = parallel.start(() -> newest(model));
        } else {
            Optional<ModelVersion> newest = newest(model);
            if (newest.isPresent() && newest.get().getRequestId().equals(requestId)) {
                return landedEarlier(newest.get(), null); // before a run is made for nothing
            }
            earlier = CompletableFuture.completedFuture(newest);
            MlflowRuns.Run run = runs.create(
                    tracking.experimentOf(template),
                    MlflowTracking.runNameOf(template),
                    MlflowTracking.runTags(template));
            runId = run.id();
            runRoot = run.artifactUri();
            source = runRoot + "/model";
            if (copyLakeArtifacts
                    && env != null
                    && location.isPresent()
                    && location.get().isInLake()) {
                tracking.copyLakeTree(env, location.get().getTree().orElseThrow(), source);
            }
        }
        boolean ours = ownRun || artifacts.claim(runId); // a run this registration made, which no version holds
        try {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            calls.add(earlier);
            calls.add(parallel.run(() -> tracking.log(runId, runRoot, template, serverLimits, env, ownRun)));
            MlflowParallel.awaitAll(calls);
        } catch (RuntimeException e) {
            if (ours) {
                MlflowRuns.bestEffort(e, () -> runs.delete(runId)); // no version can hold it yet
            }
            throw e;
        }
        Optional<ModelVersion> newest = earlier.join();
        if (newest.isPresent() && newest.get().getRequestId().equals(requestId)) {
            return landedEarlier(newest.get(), ours ? runId : null);
        }
        ObjectNode body = http.object().put("name", model).put("source", source).put("run_id", runId);
        if (template.getDescription().length() <= MlflowRecords.CHUNK) {
            body.put("description", template.getDescription());
        }
        ArrayNode tags = body.putArray("tags");
        MlflowRecords.versionTags(http.json(), template, serverLimits.registryTagValue())
                .forEach((k, v) -> tags.addObject()
                        .put("key", k)
                        .put("value", tracking.fit(runRoot, "tag", k, v, serverLimits.registryTagValue())));
        JsonNode created;
        try {
            try {
                created = http.send("create-model-version", "POST", "/mlflow/model-versions/create", body, false);
            } catch (NotFoundException noModel) {
                createRegisteredModel(model);
                created = http.send("create-model-version", "POST", "/mlflow/model-versions/create", body, false);
            }
        } catch (RuntimeException e) {
            // refused: no version holds the run; no answer: one may (a retry finds it, and finishes the run again)
            if (ours) {
                MlflowRuns.bestEffort(e, () -> {
                    if (refused(e)) {
                        runs.delete(runId);
                    } else {
                        runs.fail(runId);
                    }
                });
            }
            throw e;
        }
        if (ownRun) {
            runs.finish(runId);
        }
        long number =
                Long.parseLong(created.path("model_version").path("version").asText());
        ModelVersion stored = recordForNumber.apply(number);
        if (!stored.getRef().equals(new ModelRef(model, number))) {
            throw new IllegalArgumentException(
                    "the record for " + model + "@" + number + " says it is " + stored.getRef());
        }
        return stored;
    }

    /**
     * An earlier attempt of the request created its version: this attempt's run (if it made one), which nothing holds,
     * is deleted, and the version's run, if that attempt marked it failed, is finished again.
     */
    private ModelVersion landedEarlier(ModelVersion landed, @Nullable String ownRunId) {
        Optional<String> landedRun =
                landed.getArtifactLocation().flatMap(ArtifactLocation::getUri).flatMap(MlflowArtifacts::runIdOf);
        try {
            if (landedRun.isPresent() && !landedRun.get().equals(ownRunId)) {
                JsonNode run = http.get("get-run", "/mlflow/runs/get", Map.of("run_id", landedRun.get()))
                        .path("run");
                if ("FAILED".equals(run.path("info").path("status").asText())
                        && MlflowRecords.tags(run.path("data").path("tags")).containsKey("mlops4j.model")) {
                    runs.finish(landedRun.get());
                }
            }
            if (ownRunId != null && !landedRun.equals(Optional.of(ownRunId))) {
                runs.delete(ownRunId);
            }
        } catch (RuntimeException e) {
            // the version stands; only the runs' statuses are left behind
            LOG.warn("could not tidy the MLflow runs of {}: {}", landed.getRef(), e.toString());
        }
        return landed;
    }

    /** Whether the server answered a create by refusing it (a 4xx other than 408 and 429), so that nothing was made. */
    private static boolean refused(RuntimeException e) {
        if (e instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
            return true; // never sent
        }
        Throwable t = e instanceof MlopsServiceException ? e : e.getCause();
        if (t instanceof MlopsServiceException s) {
            int status = s.getStatusCode();
            return status >= 400 && status < 500 && status != 408 && status != 429;
        }
        return false;
    }

    private void createRegisteredModel(String model) {
        ObjectNode body = http.object().put("name", model);
        body.putArray("tags").addObject().put("key", "mlops4j.managed").put("value", "true");
        try {
            var unused = http.send("create-registered-model", "POST", "/mlflow/registered-models/create", body, false);
        } catch (ConflictException exists) {
            // created meanwhile by another registration
        }
    }

    private Optional<ModelVersion> newest(String model) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("filter", "name = " + quote(model));
        query.put("order_by", "version_number DESC");
        query.put("max_results", 1);
        JsonNode found = http.get("search-model-versions", "/mlflow/model-versions/search", query);
        for (JsonNode mv : found.path("model_versions")) {
            return Optional.of(MlflowRecords.decodeVersion(http.json(), mv));
        }
        return Optional.empty();
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        try {
            JsonNode mv = http.get(
                            "get-model-version",
                            "/mlflow/model-versions/get",
                            Map.of("name", ref.name(), "version", Long.toString(ref.version())))
                    .path("model_version");
            return Optional.of(MlflowRecords.decodeVersion(http.json(), mv));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        return search("name = " + quote(model), List.of("version_number DESC"), continuationToken, v -> true);
    }

    /**
     * Searches on the server by model name and by each tag whose value MLflow's filter syntax can hold, then checks
     * the whole query on each version; one page per call.
     */
    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        if (query.usesMetrics()) {
            throw new UnsupportedOperationException("the MLflow driver cannot search by metric: " + query);
        }
        List<String> clauses = new ArrayList<>();
        query.getModel().ifPresent(name -> clauses.add("name = " + quote(name)));
        query.getTags().forEach((k, v) -> {
            if (MlflowRecords.isNativeTag(k, v) && k.indexOf('`') < 0 && v.indexOf('\'') < 0) {
                clauses.add("tags.`" + k + "` = " + quote(v));
            }
        });
        return search(
                String.join(" AND ", clauses),
                List.of("name ASC", "version_number DESC"),
                continuationToken,
                query::matches);
    }

    private Page<ModelVersion> search(
            String filter,
            List<String> orderBy,
            @Nullable String continuationToken,
            java.util.function.Predicate<ModelVersion> keep) {
        Map<String, Object> query = new LinkedHashMap<>();
        if (!filter.isEmpty()) {
            query.put("filter", filter);
        }
        query.put("order_by", orderBy);
        query.put("max_results", PAGE_SIZE);
        if (continuationToken != null) {
            if (!continuationToken.startsWith(TOKEN_PREFIX) || continuationToken.length() == TOKEN_PREFIX.length()) {
                throw new IllegalArgumentException(
                        "continuation token '" + continuationToken + "' is not the MLflow driver's");
            }
            query.put("page_token", continuationToken.substring(TOKEN_PREFIX.length()));
        }
        JsonNode found = http.get("search-model-versions", "/mlflow/model-versions/search", query);
        List<ModelVersion> items = new ArrayList<>();
        for (JsonNode mv : found.path("model_versions")) {
            ModelVersion v = MlflowRecords.decodeVersion(http.json(), mv);
            if (keep.test(v)) {
                items.add(v);
            }
        }
        String next = found.path("next_page_token").asText("");
        return new Page<>(items, next.isEmpty() ? null : TOKEN_PREFIX + next);
    }

    /** A string literal in MLflow's filter syntax; a quote in it cannot be expressed there. */
    private static String quote(String value) {
        if (value.indexOf('\'') >= 0) {
            throw new IllegalArgumentException("MLflow's search syntax cannot hold a value with a quote: " + value);
        }
        return "'" + value + "'";
    }

    // --- aliases -----------------------------------------------------------------------------------------------

    /**
     * Reads the alias's last move from the registered model's tag {@code mlops4j.alias.<alias>}; an alias set by
     * another MLflow client (no such tag) is read as a first move by {@code mlflow}. The pointer has no tag: MLflow
     * cannot compare-and-set.
     */
    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        JsonNode rm;
        try {
            rm = http.get("get-registered-model", "/mlflow/registered-models/get", Map.of("name", model))
                    .path("registered_model");
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        String record = MlflowRecords.tags(rm.path("tags")).get(MlflowRecords.ALIAS + alias);
        if (record != null) {
            return Optional.of(new AliasPointer(MlflowRecords.decodeAlias(http.json(), model, alias, record), null));
        }
        for (JsonNode a : rm.path("aliases")) {
            if (alias.equals(a.path("alias").asText())) {
                long version = Long.parseLong(a.path("version").asText());
                AliasEvent outside = new AliasEvent(
                        model,
                        alias,
                        1,
                        0,
                        version,
                        java.time.Instant.ofEpochMilli(
                                rm.path("last_updated_timestamp").asLong(0)),
                        "mlflow",
                        "",
                        "set outside MLOps4J");
                return Optional.of(new AliasPointer(outside, null));
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the move's record, then moves (or deletes) the MLflow alias; both are idempotent and retried. {@code
     * expected} is ignored: the registry holds the alias's lease.
     *
     * @throws IllegalArgumentException if MLflow reserves the alias ({@code latest}, {@code v<digits>})
     */
    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        if (RESERVED_ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("MLflow reserves the alias '" + alias + "' (latest and v<digits> name"
                    + " versions in models:/ URIs); choose another, such as champion");
        }
        ObjectNode tag = http.object()
                .put("name", model)
                .put("key", MlflowRecords.ALIAS + alias)
                .put("value", MlflowRecords.encodeAlias(http.json(), last));
        var unused = http.send("set-registered-model-tag", "POST", "/mlflow/registered-models/set-tag", tag, true);
        if (last.toVersion() == 0) {
            ObjectNode body = http.object().put("name", model).put("alias", alias);
            var unused2 = http.send("delete-alias", "DELETE", "/mlflow/registered-models/alias", body, true);
        } else {
            ObjectNode body = http.object()
                    .put("name", model)
                    .put("alias", alias)
                    .put("version", Long.toString(last.toVersion()));
            var unused2 = http.send("set-alias", "POST", "/mlflow/registered-models/alias", body, true);
        }
        return true;
    }

    // --- artifacts ---------------------------------------------------------------------------------------------

    @Override
    public StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress) {
        return artifacts.store(model, directory, progress);
    }

    @Override
    public InputStream openArtifact(ArtifactLocation location, String path) {
        return artifacts.open(location, MlflowArtifacts.checkPath(path));
    }

    @Override
    public long checkoutArtifacts(ArtifactLocation location, Path directory) {
        return artifacts.checkout(location, directory);
    }

    /** The transport, for tests in this package. */
    MlflowHttp http() {
        return http;
    }

    /** Names the server and the kind of credentials, never a secret. */
    @Override
    public String toString() {
        return "MlflowRegistryDriver{" + trackingUri + ", " + credentials + "}";
    }

    /** Sets up an {@link MlflowRegistryDriver}; each setting may be set once. Not thread-safe. */
    public static final class Builder {
        private final String trackingUri;
        private MlflowCredentials credentials = MlflowCredentials.none();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration transferTimeout = Duration.ofMinutes(10);
        private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
        private String experimentName = "mlops4j-registry";
        private Clock clock = Clock.systemUTC();
        private @Nullable Executor executor;
        private javax.net.ssl.@Nullable SSLContext sslContext;
        private boolean aliases = true;
        private boolean copyLakeArtifacts = true;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(String trackingUri) {
            this.trackingUri = checkUri(trackingUri);
        }

        private static String checkUri(String text) {
            Objects.requireNonNull(text, "trackingUri");
            try {
                URI uri = new URI(text.strip());
                if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException("an MLflow tracking URI carries no user info, query or"
                            + " fragment; pass credentials with MlflowCredentials (got a URI for host '"
                            + uri.getHost() + "')");
                }
                String scheme = uri.getScheme();
                if (scheme == null
                        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                        || uri.getHost() == null) {
                    throw new IllegalArgumentException("an MLflow tracking URI is http(s)://host[:port][/path], got '"
                            + (text.indexOf('@') >= 0 ? "<not shown: it may hold a credential>" : text) + "'");
                }
                String s = uri.toString();
                while (s.endsWith("/")) {
                    s = s.substring(0, s.length() - 1);
                }
                return s;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "an MLflow tracking URI is http(s)://host[:port][/path]: " + e.getReason(), e);
            }
        }

        private void once(String name) {
            if (!set.add(name)) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /**
         * Sets the credentials (default none).
         *
         * @param credentials the credentials
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder credentials(MlflowCredentials credentials) {
            once("credentials");
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Sets how long connecting may take (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder connectTimeout(Duration timeout) {
            once("connectTimeout");
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets how long a REST call may take until its response arrives (default 60 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder requestTimeout(Duration timeout) {
            once("requestTimeout");
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Sets how long one artifact file's upload or download may take until the response (default 10 min).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder transferTimeout(Duration timeout) {
            once("transferTimeout");
            this.transferTimeout = positive(timeout, "transferTimeout");
            return this;
        }

        /**
         * Sets the retry policy for idempotent calls (default {@link RetryPolicy#ofDefaults()}); share the host's.
         *
         * @param policy the policy
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder retryPolicy(RetryPolicy policy) {
            once("retryPolicy");
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the MLflow experiment whose runs hold uploaded artifacts (default {@code mlops4j-registry}).
         *
         * @param name the experiment's name
         * @return this builder
         * @throws IllegalArgumentException if blank
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder experimentName(String name) {
            once("experimentName");
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("an MLflow experiment name is not blank");
            }
            this.experimentName = name;
            return this;
        }

        /**
         * Sets the clock for run start and end times (default the system clock).
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the executor that sends independent calls at once: a model's files, and a version's log calls (default:
         * 4 daemon threads of the driver's own, ended when idle). The driver does
         * not shut it down.
         *
         * @param executor the executor
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder uploadExecutor(Executor executor) {
            once("uploadExecutor");
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets the TLS context for an https server (default the JVM's trust store); {@link MlflowTls} builds one from
         * a CA certificate file, as {@code MLFLOW_TRACKING_SERVER_CERT_PATH} names it.
         *
         * @param context the context
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder sslContext(javax.net.ssl.SSLContext context) {
            once("sslContext");
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Says that the server keeps no model-version aliases (Azure ML's MLflow endpoint): the registry then keeps
         * every alias pointer in the lake, and the driver never calls MLflow's alias routes.
         *
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder withoutAliases() {
            once("withoutAliases");
            this.aliases = false;
            return this;
        }

        /**
         * Leaves the files of versions whose artifacts are in the lake (what a pipeline registers) out of MLflow; by
         * default they are copied under the version's run, so that MLflow's clients can download the model.
         *
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder withoutLakeArtifactCopies() {
            once("withoutLakeArtifactCopies");
            this.copyLakeArtifacts = false;
            return this;
        }

        /**
         * Builds the driver; it sends no request until used.
         *
         * @return the driver
         */
        public MlflowRegistryDriver build() {
            return new MlflowRegistryDriver(this);
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " is positive, got " + d);
            }
            return d;
        }
    }
}
