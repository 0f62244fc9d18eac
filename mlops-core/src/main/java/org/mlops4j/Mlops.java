package org.mlops4j;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.internal.DataServices;
import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.deploy.DeploymentServices;
import org.mlops4j.deploy.internal.DeployServices;
import org.mlops4j.internal.DependencyVersions;
import org.mlops4j.internal.Redaction;
import org.mlops4j.lake.internal.LakeDescriptor;
import org.mlops4j.lineage.Lineage;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.lineage.internal.LineageServices;
import org.mlops4j.pipeline.PipelineServices;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.TriggerStep;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.internal.RegistryDrivers;
import org.mlops4j.registry.internal.RegistryServices;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.internal.ObjectStoreProviders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: one object that wires a lake (an {@link ObjectStore}), an executor and a clock, and hands out
 * the dataset, registry, deployment and pipeline APIs built on them.
 *
 * <p>{@code Mlops} is {@link AutoCloseable}: it closes what it created (the executor, the store it opened) and
 * leaves alone what the host passed in. It registers no shutdown hook. Thread-safe. Example:
 *
 * <pre>{@code
 * try (Mlops mlops = Mlops.local()) {            // ./.mlops4j, or $MLOPS4J_HOME
 *     ObjectStore lake = mlops.objectStore();
 * }
 * }</pre>
 */
public final class Mlops implements AutoCloseable, DeploymentServices {
    /** The environment variable naming the embedded default's home directory. */
    public static final String HOME_VARIABLE = "MLOPS4J_HOME";

    private static final Logger LOG = LoggerFactory.getLogger(Mlops.class);

    private final ObjectStore store;
    /** Threads of the default executor, and the bound on files in flight per thread's worth of work. */
    private static final int DEFAULT_THREADS =
            Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    private final ExecutorService executor;
    private final Clock clock;
    private final VersionAllocator versions;
    private final Datasets datasets;
    private final Lineage lineage;
    private final ModelRegistry registry;
    private final DeploymentHistory deployments;
    private final List<AutoCloseable> owned;

    private Mlops(
            ObjectStore store,
            ExecutorService executor,
            Clock clock,
            @Nullable Path cacheDirectory,
            @Nullable RegistryDriver registryDriver,
            List<AutoCloseable> owned) {
        this.store = store;
        this.executor = executor;
        this.clock = clock;
        var unused = LakeDescriptor.initialize(store); // writes lake.json, or refuses a lake of a newer format
        this.versions = new VersionAllocator(store);
        int parallelism = DEFAULT_THREADS;
        this.datasets = DataServices.DATASETS
                .get()
                .create(
                        store,
                        versions,
                        executor,
                        parallelism,
                        clock,
                        cacheDirectory == null ? null : cacheDirectory.resolve("stat"));
        this.registry = RegistryServices.REGISTRY
                .get()
                .create(
                        registryDriver != null
                                ? registryDriver
                                : RegistryServices.LAKE_DRIVER.get().apply(store, datasets.contentTrees()),
                        store,
                        datasets,
                        clock);
        ModelRegistry models = this.registry;
        this.lineage = LineageServices.LINEAGE
                .get()
                .apply(
                        datasets.lineageIndex(),
                        List.of(
                                datasets.upstreamResolver(),
                                node -> modelInputs(models, node),
                                DeploymentHistory.upstreamResolver(store)));
        this.deployments =
                DeployServices.HISTORY.get().create(store, versions, this.registry, lineage, datasets.lineageIndex());
        this.owned = List.copyOf(owned);
        LOG.info("MLOps4J ready: lake {}", Redaction.redact(store));
    }

    /** Returns a builder that wires every part explicitly. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the embedded default: a local lake under {@code $MLOPS4J_HOME/lake}, or {@code ./.mlops4j/lake} when the
     * variable is not set.
     *
     * @return the instance; close it when done
     * @throws MlopsException if the directory cannot be used
     * @throws IllegalArgumentException if {@code MLOPS4J_HOME} is a URI, not a path (the message shows it redacted)
     * @throws IllegalStateException if a dependency is older than this release supports (e.g. Jackson before 2.18)
     */
    public static Mlops local() {
        return local(System::getenv, System::getProperty);
    }

    /** {@link #local()} with the environment and system properties given (tests plant values in them). */
    static Mlops local(Function<String, @Nullable String> env, Function<String, @Nullable String> properties) {
        String home = env.apply(HOME_VARIABLE);
        if (home == null || home.isBlank()) {
            return local(Path.of(".mlops4j"), env, properties);
        }
        // checked before Path.of, which would take "https://…?sig=…" for a relative path and make its directories
        Redaction.requireLocalPath(HOME_VARIABLE, home);
        return local(Path.of(home), env, properties);
    }

    /**
     * Opens the embedded default under a given home directory (the lake is {@code home/lake}).
     *
     * @param home the directory
     * @return the instance; close it when done
     * @throws MlopsException if the directory cannot be used
     * @throws IllegalArgumentException if {@code home} is a URI, not a path (the message shows it redacted)
     * @throws IllegalStateException if a dependency is older than this release supports (e.g. Jackson before 2.18)
     */
    public static Mlops local(Path home) {
        return local(home, System::getenv, System::getProperty);
    }

    private static Mlops local(
            Path home, Function<String, @Nullable String> env, Function<String, @Nullable String> properties) {
        Redaction.requireLocalPath("home", home.toString());
        Builder builder = builder();
        builder.env = env;
        builder.properties = properties;
        return builder.localLake(home.resolve("lake"))
                .cacheDirectory(home.resolve("cache"))
                .build();
    }

    /** The environment variable naming the registry: {@code embedded}, {@code mlflow} or {@code mlflow+http(s)://…}. */
    public static final String REGISTRY_VARIABLE = "MLOPS4J_REGISTRY";

    /**
     * The environment variable naming the lake: a directory (a path or a {@code file:} URI), or the URI of a store a
     * provider on the class path opens ({@code azblob://…} with {@code mlops-azure}).
     */
    public static final String LAKE_VARIABLE = "MLOPS4J_LAKE";

    /**
     * Opens the instance the environment describes: the lake in {@code $MLOPS4J_LAKE} (see {@link
     * Builder#lake(String)}: a directory or {@code file:} URI, or e.g. {@code azblob://<account>/<container>[/prefix]}
     * with {@code mlops-azure} on the class path; else {@code $MLOPS4J_HOME/lake} or {@code ./.mlops4j/lake}, as
     * {@link #local()}) and the registry in {@code $MLOPS4J_REGISTRY}: unset or {@code embedded} for the registry in
     * the lake, {@code mlflow} for the MLflow server in {@code MLFLOW_TRACKING_URI} (with MLflow's credential
     * variables), or {@code mlflow+https://host[:port]} for that server. Lake stores and registry drivers are found by
     * the scheme through {@link java.util.ServiceLoader} ({@link org.mlops4j.store.spi.ObjectStoreProvider}, {@link
     * org.mlops4j.registry.spi.RegistryDriverProvider}); nothing falls back silently.
     *
     * @return the instance; close it when done
     * @throws IllegalArgumentException if a variable is malformed, or no provider on the class path opens the lake's
     *     or the registry's scheme (the message names the ones found and the Maven artifact to add)
     * @throws MlopsException if the lake cannot be opened
     * @throws IllegalStateException if a dependency is older than this release supports
     */
    public static Mlops fromEnvironment() {
        return fromEnvironment(System::getenv, System::getProperty);
    }

    /** {@link #fromEnvironment()} with the environment and system properties given (tests plant values in them). */
    static Mlops fromEnvironment(
            Function<String, @Nullable String> env, Function<String, @Nullable String> properties) {
        String registry = env.apply(REGISTRY_VARIABLE);
        String lake = env.apply(LAKE_VARIABLE);
        Builder builder = builder();
        builder.env = env;
        builder.properties = properties;
        builder.registryVariable = REGISTRY_VARIABLE;
        builder.lakeVariable = LAKE_VARIABLE;
        if (registry != null && !registry.isBlank()) {
            builder.registry(registry); // first: a missing module is reported before the lake is touched
        }
        if (lake == null || lake.isBlank()) {
            String home = env.apply(HOME_VARIABLE);
            Path root = home == null || home.isBlank()
                    ? Path.of(".mlops4j")
                    : Path.of(Redaction.requireLocalPath(HOME_VARIABLE, home));
            builder.localLake(root.resolve("lake")).cacheDirectory(root.resolve("cache"));
        } else {
            builder.lake(lake);
        }
        return builder.build();
    }

    /** Returns the directory a lake setting names, or null if it is the URI of another store. */
    private static @Nullable Path localLakePath(String variable, String lake) {
        if (lake.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                return Path.of(java.net.URI.create(lake));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        variable + " is a file: URI that names no local directory (" + Redaction.redact(lake) + "): "
                                + e.getMessage() + "; use file:///absolute/path or a plain path",
                        e);
            }
        }
        return Redaction.looksLikeUri(lake) ? null : Path.of(lake);
    }

    /** Returns the lake every record is stored in. */
    @Override
    public ObjectStore objectStore() {
        return store;
    }

    /**
     * The number of threads of the executor {@code Mlops} creates when the host gives none: two per core, at least 8,
     * because the work is mostly waiting on disks and networks. Also the bound on tasks in flight.
     *
     * @return the default thread count on this machine
     */
    public static int defaultThreadCount() {
        return DEFAULT_THREADS;
    }

    /** Returns the executor for parallel work (hashing, transfers). */
    public ExecutorService executor() {
        return executor;
    }

    /** Returns the clock that timestamps every record. */
    @Override
    public Clock clock() {
        return clock;
    }

    /** Returns the dataset API: snapshots, versions, checkout, diff, verification. */
    public Datasets datasets() {
        return datasets;
    }

    /**
     * Returns the model registry: over the embedded driver on the lake unless the builder was given another driver.
     * Lineage edges, alias history and request claims are in this lake whichever driver stores the versions.
     */
    @Override
    public ModelRegistry registry() {
        return registry;
    }

    private static Optional<List<LineageEdge>> modelInputs(ModelRegistry models, LineageNode node) {
        return LineageNode.MODEL.equals(node.kind())
                ? Optional.of(
                        models.get(new ModelRef(node.name(), node.version())).inputEdges())
                : Optional.empty();
    }

    /** Returns lineage queries: upstream and downstream of dataset and model versions. */
    public Lineage lineage() {
        return lineage;
    }

    /**
     * Returns the deployment events of every endpoint in the lake, whichever deployer wrote them, and the answer to
     * "why is this model live?" ({@link DeploymentHistory#explain}).
     */
    @Override
    public DeploymentHistory deployments() {
        return deployments;
    }

    /**
     * Starts defining a retraining pipeline: trigger, train, evaluate, promote, then optional settings and
     * {@code build()}. The pipeline's journal and lease live in this instance's lake.
     *
     * <pre>{@code
     * RetrainingPipeline pipeline = mlops.pipeline("churn")
     *         .trigger(Triggers.newVersionOf("churn-raw"))
     *         .train(trainer)
     *         .evaluateOn("churn-holdout", evaluator)
     *         .promoteWhen(policy)
     *         .build();
     * }</pre>
     *
     * @param name the pipeline's name: 1..64 letters, digits, {@code .}, {@code _} or {@code -}
     * @return the first step
     * @throws IllegalArgumentException if the name is invalid
     */
    public TriggerStep pipeline(String name) {
        return RetrainingPipeline.builder(name, new PipelineServices(store, datasets, registry, clock));
    }

    /** Returns the version allocator shared by every versioned record of this lake. */
    public VersionAllocator versionAllocator() {
        return versions;
    }

    /**
     * Closes the executor and store if this instance created them; leaves the host's own alone.
     *
     * @throws MlopsException if a resource fails to close; the others are still closed
     */
    @Override
    public void close() {
        MlopsException failure = null;
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new MlopsException(
                            "cannot close " + Redaction.redact(resource) + ": " + Redaction.redact(e), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Mlops{lake=" + Redaction.redact(store) + "}";
    }

    /**
     * Wires an {@link Mlops}. Each setter may be called once; {@link #build()} checks that the settings fit.
     */
    public static final class Builder {
        private @Nullable ObjectStore store;
        private @Nullable Path localLake;
        private @Nullable ExecutorService executor;
        private @Nullable Clock clock;
        private @Nullable Path cacheDirectory;
        private boolean cacheDirectorySet;
        private @Nullable RegistryDriver registryDriver;
        /** Where the default cache directory is looked up; tests plant values here. */
        Function<String, @Nullable String> env = System::getenv;

        /** Names the registry setting in messages. */
        String registryVariable = "registry";

        /** Names the lake setting in messages. */
        String lakeVariable = "lake";

        /** Whether {@link #store} was opened by this builder (from a lake URI), so the instance closes it. */
        private boolean storeOpened;

        Function<String, @Nullable String> properties = System::getProperty;

        /**
         * Stores the model registry's versions, aliases and artifacts through another driver (e.g. MLflow's, or the
         * test kit's {@code InMemoryRegistryDriver}) instead of the embedded one on the lake. The registry's
         * guarantees (idempotency, lineage, alias history, the alias lease) stay the same.
         *
         * @param driver the driver
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder registryDriver(RegistryDriver driver) {
            if (this.registryDriver != null) {
                throw new IllegalStateException("registryDriver was already set to " + this.registryDriver);
            }
            this.registryDriver = Objects.requireNonNull(driver, "driver");
            return this;
        }

        /**
         * Opens the registry a setting names, as {@code MLOPS4J_REGISTRY} does ({@link Mlops#fromEnvironment()}):
         * {@code embedded} keeps the registry in the lake; {@code mlflow} (the server in {@code MLFLOW_TRACKING_URI})
         * or {@code mlflow+https://host} puts it on that MLflow server. The driver is found by the setting's scheme
         * through {@link java.util.ServiceLoader}; credentials come from the environment (MLflow's variables).
         *
         * @param setting the setting
         * @return this builder
         * @throws IllegalStateException if a registry driver was set before
         * @throws IllegalArgumentException if no driver on the class path opens the setting's scheme (the message
         *     names the schemes found and the Maven artifact to add), or the driver refuses the setting
         */
        @CanIgnoreReturnValue
        public Builder registry(String setting) {
            Objects.requireNonNull(setting, "setting");
            if (setting.isBlank() || setting.strip().equalsIgnoreCase("embedded")) {
                if (this.registryDriver != null) {
                    throw new IllegalStateException("registryDriver was already set to " + this.registryDriver);
                }
                return this;
            }
            return registryDriver(RegistryDrivers.open(registryVariable, setting, env, Mlops.class.getClassLoader()));
        }

        private Builder() {}

        /**
         * Sets the directory for host-local caches (the stat cache that makes re-snapshots cost O(changes)); by
         * default {@code $XDG_CACHE_HOME/mlops4j} or {@code ~/.cache/mlops4j}. {@code null} switches caches off.
         *
         * @param directory the directory, or null
         * @return this builder
         * @throws IllegalStateException if set before
         * @throws IllegalArgumentException if the directory is a URI, not a path (the message shows it redacted)
         */
        @CanIgnoreReturnValue
        public Builder cacheDirectory(@Nullable Path directory) {
            if (cacheDirectorySet) {
                throw new IllegalStateException(
                        "cacheDirectory was already set to " + Redaction.redact(cacheDirectory));
            }
            if (directory != null) {
                Redaction.requireLocalPath("cacheDirectory", directory.toString());
            }
            this.cacheDirectory = directory;
            this.cacheDirectorySet = true;
            return this;
        }

        private Path defaultCacheDirectory() {
            String xdg = env.apply("XDG_CACHE_HOME");
            if (xdg != null && !xdg.isBlank()) {
                return Path.of(Redaction.requireLocalPath("XDG_CACHE_HOME", xdg))
                        .resolve("mlops4j");
            }
            String home = Objects.requireNonNull(properties.apply("user.home"), "user.home");
            return Path.of(Redaction.requireLocalPath("user.home", home), ".cache")
                    .resolve("mlops4j");
        }

        /**
         * Uses a store the host opened and will close.
         *
         * @param store the store
         * @return this builder
         * @throws IllegalStateException if a store or local lake was set before
         */
        @CanIgnoreReturnValue
        public Builder objectStore(ObjectStore store) {
            requireNoStore();
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Opens (and later closes) a {@link LocalObjectStore} in a directory.
         *
         * @param directory the lake's directory
         * @return this builder
         * @throws IllegalStateException if a store or local lake was set before
         * @throws IllegalArgumentException if the directory is a URI, not a path (the message shows it redacted)
         */
        @CanIgnoreReturnValue
        public Builder localLake(Path directory) {
            requireNoStore();
            Redaction.requireLocalPath(
                    "localLake", Objects.requireNonNull(directory, "directory").toString());
            this.localLake = directory;
            return this;
        }

        /**
         * Opens (and later closes) the lake a setting names, as {@code MLOPS4J_LAKE} does ({@link
         * Mlops#fromEnvironment()}): a path or {@code file:} URI is a {@link LocalObjectStore} in that directory; any
         * other URI is opened by the {@link org.mlops4j.store.spi.ObjectStoreProvider} on the class path that claims
         * its scheme, with credentials from the environment by the backend's conventions: with {@code mlops-azure},
         * {@code azblob://<account>/<container>[/prefix]}, {@code https://<account>.blob.core.windows.net/<container>
         * [/prefix][?<sas>]} or a path-style {@code http(s)://host:port/<account>/<container>} (Azurite), and {@code
         * AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN} or {@code DefaultAzureCredential}. The store
         * is opened here, so a wrong setting fails at this call.
         *
         * @param setting the lake's path or URI
         * @return this builder
         * @throws IllegalStateException if a store or local lake was set before
         * @throws IllegalArgumentException if no provider on the class path opens the URI's scheme (the message names
         *     the schemes found and the Maven artifact to add, and shows the URI redacted), or the provider refuses it
         * @throws MlopsException if the store cannot be opened
         */
        @CanIgnoreReturnValue
        public Builder lake(String setting) {
            Objects.requireNonNull(setting, "setting");
            requireNoStore();
            String lake = setting.strip();
            Path directory = localLakePath(lakeVariable, lake);
            if (directory != null) {
                return localLake(directory);
            }
            this.store = ObjectStoreProviders.open(lakeVariable, lake, env, Mlops.class.getClassLoader());
            this.storeOpened = true;
            return this;
        }

        /**
         * Uses the host's executor for parallel work; the host shuts it down. By default {@code Mlops} creates one
         * with two threads per core, at least 8, and shuts it down on close: the work is mostly reading and writing
         * files and blobs, so more reads in flight than cores keeps a disk busy (a cold snapshot of 100,000 small
         * files ran 1.3&times; faster with 8 threads than with 2 on a 2-core machine).
         *
         * @param executor the executor
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder executor(ExecutorService executor) {
            if (this.executor != null) {
                throw new IllegalStateException("executor was already set");
            }
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Uses a clock for every timestamp (tests pass a fixed or manual one); the system UTC clock by default.
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            if (this.clock != null) {
                throw new IllegalStateException("clock was already set");
            }
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return the instance; close it when done
         * @throws IllegalStateException if neither a store nor a local lake was set, or if a dependency on the class
         *     path is older than this release supports (the message names it, the version found and the one needed)
         * @throws MlopsException if the local lake cannot be opened
         * @throws IllegalArgumentException if no cache directory was set and {@code XDG_CACHE_HOME} or {@code
         *     user.home}, where the default one lies, is a URI (the message shows it redacted)
         */
        public Mlops build() {
            try {
                return buildOrFail();
            } catch (RuntimeException e) {
                if (storeOpened && store != null) { // opened by lake(…): nobody else would close it
                    try {
                        store.close();
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                }
                throw e;
            }
        }

        private Mlops buildOrFail() {
            DependencyVersions.requireSupported(); // an old Jackson fails here, with the fix, not deep in the lake
            if (store == null && localLake == null) {
                throw new IllegalStateException("a lake is required: call objectStore(store), lake(uri) or"
                        + " localLake(directory), or use Mlops.local()");
            }
            Path caches = cacheDirectorySet ? cacheDirectory : defaultCacheDirectory(); // may refuse: before any I/O
            List<AutoCloseable> owned = new ArrayList<>();
            ExecutorService pool = executor;
            if (pool == null) {
                pool = Executors.newFixedThreadPool(DEFAULT_THREADS, daemonThreads());
                ExecutorService ownPool = pool;
                owned.add(() -> shutdown(ownPool));
            }
            ObjectStore lake = store;
            if (storeOpened && lake != null) {
                owned.add(lake);
            }
            if (lake == null) {
                try {
                    lake = LocalObjectStore.open(Objects.requireNonNull(localLake));
                } catch (RuntimeException e) {
                    pool.shutdown();
                    throw e;
                }
                owned.add(lake);
            }
            return new Mlops(lake, pool, clock == null ? Clock.systemUTC() : clock, caches, registryDriver, owned);
        }

        private void requireNoStore() {
            if (store != null || localLake != null) {
                throw new IllegalStateException(
                        "the lake was already set to " + Redaction.redact(store != null ? store : localLake));
            }
        }

        private static void shutdown(ExecutorService pool) throws InterruptedException {
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        }

        private static ThreadFactory daemonThreads() {
            AtomicInteger counter = new AtomicInteger();
            return runnable -> {
                Thread thread = new Thread(runnable, "mlops4j-worker-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
        }

        @Override
        public String toString() {
            return "Mlops.Builder{lake=" + Redaction.redact(store != null ? store : localLake) + ", executor="
                    + (executor == null ? "default" : "host") + ", clock=" + clock + "}";
        }
    }
}
