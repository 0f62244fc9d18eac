package org.mlops4j.test.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.StorageException;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.SnapshotBuilder;
import org.mlops4j.data.profile.CsvProfiler;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.deploy.local.ScoringEndpoint;
import org.mlops4j.deploy.local.ScoringEndpoints;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.report.StoryReport;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.test.ForwardingObjectStore;
import org.mlops4j.test.InMemoryObjectStore;

/**
 * Issue 15, acceptance 3: every public method's failure paths that the suites reach throw nothing outside the
 * exception tree ({@link MlopsException}) but the JDK's precondition types of STYLE E2 (IAE, NPE, ISE, UOE and
 * index-out-of-bounds). Each test drives the failure paths of one area — missing keys, a store that fails calls or
 * drops connections mid-read, a closed lake, damaged records, bad input files, unreadable model artifacts, an
 * unwritable report or work directory, a port in use — through {@link #failing}, which checks what was thrown. The
 * class reports, through reflection over the public API, how many public methods of the service types it exercised.
 */
class ForeignExceptionTest {
    /** The public service types whose methods are walked. */
    private static final List<Class<?>> SERVICES = List.of(
            Mlops.class,
            Datasets.class,
            SnapshotBuilder.class,
            ModelRegistry.class,
            RetrainingPipeline.class,
            Deployer.class,
            LocalDeployer.Builder.class,
            LinearModelLoader.class,
            CsvProfiler.class,
            StoryReport.class,
            ScoringServer.Builder.class);

    /** STYLE E2: the JDK's own types for a bad argument, a wrong state or an unsupported call. */
    private static final List<Class<? extends Throwable>> PRECONDITIONS = List.of(
            IllegalArgumentException.class,
            NullPointerException.class,
            IllegalStateException.class,
            UnsupportedOperationException.class,
            IndexOutOfBoundsException.class);

    private static final Set<String> EXERCISED = new ConcurrentSkipListSet<>();

    @TempDir
    Path dir;

    private FailingStore store;
    private Mlops mlops;

    @BeforeEach
    void setUp() {
        store = new FailingStore(new InMemoryObjectStore());
        mlops = Mlops.builder().objectStore(store).cacheDirectory(null).build();
    }

    @AfterEach
    void tearDown() {
        store.mode = Mode.HEALTHY;
        mlops.close();
    }

    @Test
    void shouldThrowNotFoundWithinTheTreeWhenKeysAreMissing() throws IOException {
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x"));
        ModelVersion model = register("churn", v);

        assertThat(failing(Datasets.class, "get", () -> mlops.datasets().get("nope", 1)))
                .isInstanceOf(NotFoundException.class);
        failing(Datasets.class, "get", () -> mlops.datasets().get(new DatasetRef("data", 99)));
        failing(Datasets.class, "open", () -> mlops.datasets().open(v, "missing.txt"));
        failing(Datasets.class, "derive", () -> mlops.datasets().derive("nope").commit());
        failing(ModelRegistry.class, "get", () -> mlops.registry().get(ModelRef.parse("nope:1")));
        failing(ModelRegistry.class, "openArtifact", () -> mlops.registry().openArtifact(model, "missing.json"));
        failing(
                ModelRegistry.class,
                "setAlias",
                () -> mlops.registry()
                        .setAlias(
                                "churn",
                                "champion",
                                42,
                                AliasUpdate.unconditionally().reason("test")));
        failing(
                ModelRegistry.class,
                "deleteAlias",
                () -> mlops.registry()
                        .deleteAlias(
                                "churn", "nobody", AliasUpdate.unconditionally().reason("test")));
        failing(
                ModelRegistry.class,
                "register",
                () -> mlops.registry().register(new ModelRegistration("other").artifacts(dir.resolve("no-such-dir"))));
        failing(
                SnapshotBuilder.class,
                "directory",
                () -> mlops.datasets()
                        .snapshot("missing")
                        .directory(dir.resolve("no-such-dir"))
                        .commit());
    }

    @Test
    void shouldPassStorageFailuresThroughWhenTheStoreIsDown() throws IOException {
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x", "b.csv", "a,b\n1,2\n"));
        ModelVersion model = register("churn", v);
        Path source = source("more", Map.of("c.txt", "y"));
        store.mode = Mode.DOWN;

        failing(Datasets.class, "get", () -> mlops.datasets().get(v.getRef()));
        failing(Datasets.class, "find", () -> mlops.datasets().find(v.getRef()));
        failing(Datasets.class, "findLatest", () -> mlops.datasets().findLatest("data"));
        failing(
                Datasets.class,
                "history",
                () -> mlops.datasets().history("data").stream().toList());
        failing(Datasets.class, "checkout", () -> mlops.datasets().checkout(v, dir.resolve("out-down")));
        failing(Datasets.class, "open", () -> mlops.datasets().open(v, "a.txt").close());
        failing(Datasets.class, "verify", () -> mlops.datasets().verify(v));
        failing(Datasets.class, "findProfile", () -> mlops.datasets().findProfile(v, "b.csv"));
        failing(
                Datasets.class,
                "snapshot",
                () -> mlops.datasets().snapshot("more").directory(source).commit());
        failing(ModelRegistry.class, "get", () -> mlops.registry().get(model.getRef()));
        failing(ModelRegistry.class, "find", () -> mlops.registry().find(model.getRef()));
        failing(
                ModelRegistry.class,
                "versions",
                () -> mlops.registry().versions("churn").stream().toList());
        failing(ModelRegistry.class, "findAlias", () -> mlops.registry().findAlias("churn", "champion"));
        failing(
                ModelRegistry.class,
                "setAlias",
                () -> mlops.registry()
                        .setAlias(
                                "churn",
                                "champion",
                                model.getVersion(),
                                AliasUpdate.unconditionally().reason("test")));
        failing(
                ModelRegistry.class,
                "checkoutArtifacts",
                () -> mlops.registry().checkoutArtifacts(model, dir.resolve("artifacts-down")));
        failing(ModelRegistry.class, "register", () -> register("churn-2", v));
    }

    @Test
    void shouldTranslateAConnectionDroppedMidReadIntoAStorageException() throws IOException {
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x".repeat(10_000), "b.txt", "y"));
        ModelVersion model = register("churn", v);
        Path csv = source("csv", Map.of("t.csv", "a,b\n" + "1,2\n".repeat(2_000)));
        store.mode = Mode.DROPS_READS;

        failing(Datasets.class, "checkout", () -> mlops.datasets().checkout(v, dir.resolve("out-drop")));
        probe(Datasets.class, "verify", () -> mlops.datasets().verify(v)); // may report the reads it could not make
        failing(
                ModelRegistry.class,
                "checkoutArtifacts",
                () -> mlops.registry().checkoutArtifacts(model, dir.resolve("artifacts-drop")));
        // a snapshot profiles a CSV file from the store's copy, reading it back
        probe(
                Datasets.class,
                "snapshot",
                () -> mlops.datasets().snapshot("csv").directory(csv).commit());
        assertThat(failing(
                        CsvProfiler.class,
                        "profile",
                        () -> CsvProfiler.ofDefaults()
                                .profile(dropping(new ByteArrayInputStream(
                                        ("a,b\n" + "1,2\n".repeat(10_000)).getBytes(StandardCharsets.UTF_8))))))
                .isInstanceOf(StorageException.class);
    }

    @Test
    void shouldThrowWithinTheTreeWhenRecordsAreDamaged() throws IOException {
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x"));
        StoreKey record = store.list("datasets/data/v/").stream()
                .filter(k -> k.value().endsWith(".json"))
                .findFirst()
                .orElseThrow();
        store.overwrite(record, "{\"format\":\"not-a-record\"}".getBytes(StandardCharsets.UTF_8));

        failing(Datasets.class, "get", () -> mlops.datasets().get(v.getRef()));
        failing(
                Datasets.class,
                "history",
                () -> mlops.datasets().history("data").stream().toList());
        try (Mlops fresh =
                Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            failing(Datasets.class, "get", () -> fresh.datasets().get("data", v.getNumber()));
            probe(Datasets.class, "findLatest", () -> fresh.datasets().findLatest("data"));
        }
    }

    @Test
    void shouldThrowWithinTheTreeWhenTheLakeIsClosed() throws IOException {
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x"));
        Path source = source("more", Map.of("c.txt", "y"));
        mlops.close();

        probe(
                Datasets.class,
                "snapshot",
                () -> mlops.datasets().snapshot("more").directory(source).commit());
        probe(Datasets.class, "get", () -> mlops.datasets().get(v.getRef()));
        probe(Datasets.class, "checkout", () -> mlops.datasets().checkout(v, dir.resolve("out-closed")));
        probe(Mlops.class, "close", mlops::close);
    }

    @Test
    void shouldTranslateBadInputFiles() throws IOException {
        Path notCsv = Files.write(dir.resolve("bin.csv"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});

        assertThat(failing(
                        CsvProfiler.class,
                        "profile",
                        () -> CsvProfiler.ofDefaults().profile(dir.resolve("missing.csv"))))
                .isInstanceOf(StorageException.class);
        failing(CsvProfiler.class, "profile", () -> CsvProfiler.ofDefaults().profile(notCsv));
        failing(CsvProfiler.class, "profile", () -> CsvProfiler.ofDefaults().profile(dir));
    }

    @Test
    void shouldTranslateUnwritableAndUnreadableModelArtifacts() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        DatasetVersion v = snapshot("data", Map.of("a.txt", "x"));
        ModelVersion model = register("churn", v);

        assertThat(failing(
                        LinearModelLoader.class,
                        "write",
                        () -> LinearModelLoader.write(file.resolve("model"), 0.5, Map.of("x", 1.0))))
                .isInstanceOf(StorageException.class);
        Path unreadable = Files.createDirectories(dir.resolve("unreadable").resolve(LinearModelLoader.FILE));
        assertThat(failing(
                        LinearModelLoader.class,
                        "load",
                        () -> new LinearModelLoader().load(model, unreadable.getParent())))
                .isInstanceOf(StorageException.class);
        failing(LinearModelLoader.class, "load", () -> new LinearModelLoader().load(model, dir.resolve("none")));
        assertThat(failing(
                        LocalDeployer.Builder.class,
                        "build",
                        () -> LocalDeployer.builder()
                                .mlops(mlops)
                                .loader(new LinearModelLoader())
                                .artifactCache(file)
                                .build()))
                .isInstanceOf(StorageException.class);
        failing(
                LocalDeployer.Builder.class,
                "buildTarget",
                () -> LocalDeployer.builder()
                        .mlops(mlops)
                        .loader(new LinearModelLoader())
                        .artifactCache(file)
                        .buildTarget());

        // the cache becomes unusable after the deployer started: checking out the model's artifacts fails
        Path cache = dir.resolve("cache");
        try (Deployer deployer = LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .artifactCache(cache)
                .pollInterval(Duration.ofMillis(1))
                .build()) {
            Files.delete(cache);
            Files.writeString(cache, "now a file");
            DeploymentPlan plan = deployer.plan("e", model, Rollout.replace(), OperationId.of("op-1"));
            probe(
                    Deployer.class,
                    "beginApply",
                    () -> deployer.beginApply(plan).waitForCompletion(Duration.ofSeconds(30)));
            probe(Deployer.class, "status", () -> deployer.status("e"));
            failing(Deployer.class, "status", () -> deployer.status("never-deployed"));
            failing(Deployer.class, "rollback", () -> deployer.rollback("never-deployed", "test"));
        }
    }

    @Test
    void shouldTranslateAReportThatCannotBeWritten() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        StoryReport report = StoryReport.builder("t").build();

        assertThat(failing(StoryReport.class, "writeHtml", () -> report.writeHtml(file.resolve("r.html"))))
                .isInstanceOf(StorageException.class);
        assertThat(failing(StoryReport.class, "writeMarkdown", () -> report.writeMarkdown(file.resolve("r.md"))))
                .isInstanceOf(StorageException.class);
        failing(StoryReport.class, "writeHtml", () -> report.writeHtml(dir));
    }

    @Test
    void shouldTranslateAPipelineWorkDirectoryThatCannotBePrepared() throws IOException {
        var unusedRaw = snapshot("raw", Map.of("a.txt", "x"));
        var unusedHoldout = snapshot("holdout", Map.of("h.txt", "y"));
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        RetrainingPipeline pipeline = mlops.pipeline("p")
                .trigger(Triggers.newVersionOf("raw"))
                .train(context -> TrainedModel.of(context.getWorkDirectory()))
                .evaluateOn(
                        "holdout",
                        (model, holdout) -> Evaluation.builder(model.getRef(), holdout.getRef())
                                .metric("accuracy", 0.9)
                                .build())
                .promoteWhen(Policies.metric("accuracy").higherIsBetter())
                .workDirectory(file)
                .build();

        assertThat(failing(RetrainingPipeline.class, "run", pipeline::run)).isInstanceOf(StorageException.class);
        probe(RetrainingPipeline.class, "runIfTriggered", pipeline::runIfTriggered);
        probe(RetrainingPipeline.class, "rerun", pipeline::rerun);
        store.mode = Mode.DOWN;
        failing(RetrainingPipeline.class, "listRuns", pipeline::listRuns);
        failing(RetrainingPipeline.class, "run", pipeline::run);
    }

    @Test
    void shouldThrowWithinTheTreeWhenTheScoringPortIsTaken() {
        ScoringEndpoints none = new ScoringEndpoints() {
            @Override
            public List<String> names() {
                return List.of();
            }

            @Override
            public @Nullable ScoringEndpoint find(String name) {
                return null;
            }
        };
        try (ScoringServer first = ScoringServer.builder().endpoints(none).build()) {
            failing(
                    ScoringServer.Builder.class,
                    "build",
                    () -> ScoringServer.builder()
                            .endpoints(none)
                            .port(first.getPort())
                            .build());
        }
    }

    /** Prints how many public methods of the service types the failure paths above reached. */
    @AfterAll
    static void reportCoverage() {
        Set<String> all = new TreeSet<>();
        for (Class<?> type : SERVICES) {
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass().getName().startsWith("org.mlops4j") && !m.isSynthetic()) {
                    all.add(name(type) + "." + m.getName());
                }
            }
        }
        Set<String> reached = new TreeSet<>(EXERCISED);
        reached.retainAll(all);
        Set<String> missed = new TreeSet<>(all);
        missed.removeAll(reached);
        System.out.printf(
                "FOREIGN-EXCEPTIONS: failure paths of %d of %d public methods (by name) of %d service types exercised;"
                        + " none threw outside the tree.%n  exercised: %s%n  not exercised: %s%n",
                reached.size(), all.size(), SERVICES.size(), reached, missed);
    }

    // --- the checks -------------------------------------------------------------------------------------------------

    /** Calls a public method that must fail, and checks what it throws; returns it. */
    private static Throwable failing(Class<?> type, String method, ThrowingCallable call) {
        Throwable thrown = probe(type, method, call);
        assertThat(thrown)
                .as("%s.%s was expected to fail", type.getSimpleName(), method)
                .isNotNull();
        return thrown;
    }

    /** Calls a public method that may fail, and checks what it throws, if anything; returns it or null. */
    private static Throwable probe(Class<?> type, String method, ThrowingCallable call) {
        assertThat(Arrays.stream(type.getMethods()).map(Method::getName))
                .as("a public method %s.%s", type.getSimpleName(), method)
                .contains(method);
        EXERCISED.add(name(type) + "." + method);
        Throwable thrown = catchThrowable(call);
        if (thrown != null && !isInTheTree(thrown)) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            throw new AssertionError(type.getSimpleName() + "." + method + " threw "
                    + thrown.getClass().getName()
                    + ", which is neither an MlopsException nor a JDK precondition type (STYLE E1, E2):\n" + trace);
        }
        return thrown;
    }

    /** {@code LocalDeployer.Builder} rather than {@code Builder}. */
    private static String name(Class<?> type) {
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    private static boolean isInTheTree(Throwable t) {
        return t instanceof MlopsException || PRECONDITIONS.stream().anyMatch(type -> type.isInstance(t));
    }

    // --- fixtures ---------------------------------------------------------------------------------------------------

    private DatasetVersion snapshot(String name, Map<String, String> files) throws IOException {
        return mlops.datasets().snapshot(name).directory(source(name, files)).commit();
    }

    private Path source(String name, Map<String, String> files) throws IOException {
        Path source = Files.createDirectories(dir.resolve("source-" + name + "-" + System.nanoTime()));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(source.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        return source;
    }

    private ModelVersion register(String name, DatasetVersion trainedOn) throws IOException {
        Path artifacts = dir.resolve("model-" + name + "-" + System.nanoTime());
        var unused = LinearModelLoader.write(artifacts, 0.5, Map.of("x", 1.0));
        return mlops.registry()
                .register(new ModelRegistration(name)
                        .artifacts(artifacts)
                        .input(trainedOn.getRef(), "training")
                        .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR));
    }

    /** A stream that fails like a dropped connection after its first bytes. */
    private static InputStream dropping(InputStream in) {
        return new FilterInputStream(in) {
            private int left = 16;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new SocketException("Connection reset");
                }
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new SocketException("Connection reset");
                }
                int n = super.read(b, off, Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
    }

    private enum Mode {
        HEALTHY,
        /** Every call fails as a remote store's does when it cannot be reached. */
        DOWN,
        /** Calls succeed, but every content stream drops its connection after a few bytes. */
        DROPS_READS
    }

    /** A store that fails on demand, the way a correct remote store fails: StorageException, or streams that drop. */
    private static final class FailingStore extends ForwardingObjectStore {
        private final InMemoryObjectStore memory;
        volatile Mode mode = Mode.HEALTHY;

        FailingStore(InMemoryObjectStore memory) {
            super(memory);
            this.memory = memory;
        }

        void overwrite(StoreKey key, byte[] bytes) {
            assertThat(memory.delete(key)).isTrue();
            assertThat(memory.createIfAbsent(key, bytes)).isTrue();
        }

        private void check(String call) {
            if (mode == Mode.DOWN) {
                throw new StorageException(
                        "the test store is down (" + call + "); try again later", true, new SocketException("down"));
            }
        }

        @Override
        public InputStream openContent(Digest digest) {
            check("openContent");
            InputStream in = super.openContent(digest);
            return mode == Mode.DROPS_READS ? dropping(in) : in;
        }

        @Override
        public InputStream openContent(Digest digest, long offset, long length) {
            check("openContent");
            InputStream in = super.openContent(digest, offset, length);
            return mode == Mode.DROPS_READS ? dropping(in) : in;
        }

        @Override
        public ContentInfo putContent(InputStream content) {
            check("putContent");
            return super.putContent(content);
        }

        @Override
        public ContentInfo putContent(Digest expected, InputStream content) {
            check("putContent");
            return super.putContent(expected, content);
        }

        @Override
        public Optional<ContentInfo> findContent(Digest digest) {
            check("findContent");
            return super.findContent(digest);
        }

        @Override
        public Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
            check("findContents");
            return super.findContents(digests);
        }

        @Override
        public boolean createIfAbsent(StoreKey key, byte[] bytes) {
            check("createIfAbsent");
            return super.createIfAbsent(key, bytes);
        }

        @Override
        public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
            check("compareAndSet");
            return super.compareAndSet(key, expected, bytes);
        }

        @Override
        public Optional<StoredObject> find(StoreKey key) {
            check("find");
            return super.find(key);
        }

        @Override
        public boolean exists(StoreKey key) {
            check("exists");
            return super.exists(key);
        }

        @Override
        public Page<StoreKey> list(String prefix, @Nullable String token, int max) {
            check("list");
            return super.list(prefix, token, max);
        }

        @Override
        public boolean delete(StoreKey key) {
            check("delete");
            return super.delete(key);
        }
    }
}
