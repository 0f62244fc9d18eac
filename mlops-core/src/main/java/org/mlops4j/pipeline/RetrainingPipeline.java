package org.mlops4j.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.internal.FileTrees;
import org.mlops4j.lake.CanonicalJson;
import org.mlops4j.lake.RecordFormat;
import org.mlops4j.lake.RecordReader;
import org.mlops4j.lake.RecordWriter;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retraining pipeline: trigger → prepare → train → register → evaluate → compare → promote → deploy, each step's
 * outcome journaled in the lake ({@code docs/pipeline-journal.md}).
 *
 * <ul>
 *   <li><b>Run id.</b> A hash of the pipeline's name, the pinned input datasets' digests, the code revision, the
 *       configuration and the trigger event, plus the attempt ({@link RunId}). The same inputs give the same run, so
 *       {@link #run()} after a finished run returns that run; {@link #rerun()} starts the next attempt.
 *   <li><b>Resume.</b> A run interrupted by a crash is finished by the next {@link #run()}, {@link #rerun()} or
 *       {@link #runIfTriggered()} of any process: steps found in its journal are not redone. Registration uses the
 *       run id as the registry's request id, the alias moves by compare-and-set from the champion the verdict was
 *       made against, and the deployment uses the run id as its operation id, so a side effect whose journal record
 *       was lost is found again instead of repeated. Evaluation writes nothing and is redone when the verdict was not
 *       journaled (per-example outcomes are not journaled).
 *   <li><b>Rejected challengers are registered</b> (like MLflow keeps candidates), tagged with the pipeline and run
 *       ({@code mlops4j.pipeline}, {@code mlops4j.run}); the verdict is in the journal and the champion is untouched.
 *   <li><b>Lease.</b> One process runs a pipeline at a time: a lease in the lake with an expiry on the pipeline's
 *       clock and a fencing token, renewed while running and checked before every side effect. A second process
 *       waits up to {@code leaseWait} and then stops with a {@link ConflictException} naming the holder and expiry.
 * </ul>
 *
 * <p>Thread-safe: concurrent calls serialize on the lease (the later one gets the conflict). Example:
 *
 * <pre>{@code
 * RetrainingPipeline pipeline = mlops.pipeline("churn")
 *         .trigger(Triggers.newVersionOf("churn-raw").or(Triggers.drift("churn-raw", Drift.psi(0.2))))
 *         .train(ctx -> trainer.fit(ctx.dataset("churn-raw")))
 *         .evaluateOn("churn-holdout", evaluator)
 *         .promoteWhen(policy)
 *         .deployTo(deployer, "churn", Rollout.canary(10, 50, 100))
 *         .build();
 * Optional<PipelineRun> run = pipeline.runIfTriggered();
 * }</pre>
 */
public final class RetrainingPipeline {
    /** The step that evaluated the trigger and pinned the inputs. */
    public static final String STEP_TRIGGER = "trigger";
    /** The prefix of preparation steps: {@code prepare:<dataset>}. */
    public static final String STEP_PREPARE = "prepare";
    /** Training and storing the artifacts. */
    public static final String STEP_TRAIN = "train";
    /** Registering the challenger. */
    public static final String STEP_REGISTER = "register";
    /** Evaluating challenger and champion on the holdout. */
    public static final String STEP_EVALUATE = "evaluate";
    /** Comparing them with the policy. */
    public static final String STEP_COMPARE = "compare";
    /** Moving the champion alias. */
    public static final String STEP_PROMOTE = "promote";
    /** Deploying the new champion. */
    public static final String STEP_DEPLOY = "deploy";
    /** Putting the champion alias back after a deployment that did not go live (a failed canary). */
    public static final String STEP_RESTORE = "restore";

    static final RecordFormat STATE_FORMAT = RecordFormat.of("mlops4j.pipeline-state", 1);
    private static final Logger LOG = LoggerFactory.getLogger(RetrainingPipeline.class);

    private final Mlops mlops;
    private final ObjectStore store;
    private final String name;
    private final Trigger trigger;
    private final Trainer trainer;
    private final String holdout;
    private final Evaluator evaluator;
    private final ComparisonPolicy policy;
    private final Map<String, Preparer> preparations;
    private final List<String> inputs;
    private final @Nullable Deployer deployer;
    private final String endpoint;
    private final @Nullable Rollout rollout;
    private final String championAlias;
    private final String model;
    private final String codeRevision;
    private final boolean dryRun;
    private final Clock clock;
    private final Duration leaseDuration;
    private final Duration leaseWait;
    private final Path workRoot;
    private final PipelineEventPublisher publisher = new PipelineEventPublisher();
    private final String holder;
    private final String config;

    RetrainingPipeline(PipelineBuilder b) {
        this.mlops = b.mlops;
        this.store = b.mlops.objectStore();
        this.name = b.name;
        this.trigger = Objects.requireNonNull(b.trigger);
        this.trainer = Objects.requireNonNull(b.trainer);
        this.holdout = Objects.requireNonNull(b.holdout);
        this.evaluator = Objects.requireNonNull(b.evaluator);
        this.policy = Objects.requireNonNull(b.policy);
        this.preparations = new LinkedHashMap<>(b.preparations);
        this.inputs = List.copyOf(b.inputs);
        this.deployer = b.deployer;
        this.endpoint = b.endpoint == null ? "" : b.endpoint;
        this.rollout = b.rollout;
        this.championAlias = b.championAlias == null ? "champion" : b.championAlias;
        this.model = b.modelName == null ? b.name : b.modelName;
        this.codeRevision = b.codeRevision == null ? "unknown" : b.codeRevision;
        this.dryRun = Boolean.TRUE.equals(b.dryRun);
        this.clock = b.clock == null ? b.mlops.clock() : b.clock;
        this.leaseDuration = b.leaseDuration == null ? Duration.ofMinutes(5) : b.leaseDuration;
        this.leaseWait = b.leaseWait == null ? Duration.ZERO : b.leaseWait;
        this.workRoot = b.workDirectory == null
                ? Path.of(System.getProperty("java.io.tmpdir"), "mlops4j-pipelines", name)
                : b.workDirectory;
        b.listeners.forEach(publisher::listener);
        this.holder = "pid " + ProcessHandle.current().pid() + " ("
                + UUID.randomUUID().toString().substring(0, 8) + ")";
        this.config =
                "model=" + model + "; trigger=" + trigger + "; inputs=" + inputs + "; prepare=" + preparations.keySet()
                        + "; holdout="
                        + holdout + "; policy=" + policy + "; alias=" + championAlias + "; deploy="
                        + (deployer == null ? "none" : endpoint + " by " + rollout);
    }

    /**
     * Starts defining a pipeline; {@link Mlops#pipeline(String)} calls this.
     *
     * @param mlops the lake, registry and clock to use
     * @param name the pipeline's name (letters, digits, {@code .}, {@code _}, {@code -})
     * @return the first step
     * @throws IllegalArgumentException if the name is invalid
     */
    public static TriggerStep builder(Mlops mlops, String name) {
        return new PipelineBuilder(mlops, name);
    }

    /** Returns the pipeline's name. */
    public String getName() {
        return name;
    }

    /** Returns where listeners register for step and run events. */
    public PipelineEventPublisher getEventPublisher() {
        return publisher;
    }

    /**
     * Runs the pipeline now whatever the trigger says (a manual run, pinning the newest versions of the trigger's
     * datasets and the holdout). If the same inputs were already run to the end, returns that run without redoing
     * anything; if an earlier run was interrupted, finishes and returns it instead.
     *
     * @return the run
     * @throws ConflictException if another process holds the pipeline's lease past {@code leaseWait}, or lost it
     *     meanwhile, or the champion alias moved since the comparison
     * @throws IllegalStateException if an input dataset has no version yet
     * @throws MlopsException if the lake, registry or deployer fails (the run resumes on the next call)
     */
    public PipelineRun run() {
        return execute(Mode.MANUAL).orElseThrow();
    }

    /**
     * Runs the pipeline again as a new attempt of its latest inputs (a deliberate rerun: a new run id, a new
     * registration).
     *
     * @return the run
     * @throws ConflictException as {@link #run()}
     * @throws IllegalStateException if an input dataset has no version yet
     * @throws MlopsException if the lake, registry or deployer fails
     */
    public PipelineRun rerun() {
        return execute(Mode.RERUN).orElseThrow();
    }

    /**
     * Evaluates the trigger and runs the pipeline if it fires; first finishes a run an earlier process left
     * interrupted.
     *
     * @return the run, or empty if the trigger did not fire
     * @throws ConflictException as {@link #run()}
     * @throws MlopsException if the lake, registry or deployer fails
     */
    public Optional<PipelineRun> runIfTriggered() {
        return execute(Mode.TRIGGERED);
    }

    /**
     * Reads a run's journal.
     *
     * @param runId the run
     * @return its records in order; empty if it never started
     * @throws org.mlops4j.lake.LakeFormatException if a record is malformed
     */
    public List<JournalEntry> readJournal(RunId runId) {
        return Journal.read(store, name, runId).entries();
    }

    /**
     * Lists the runs that have a journal, in key order.
     *
     * @return their ids
     */
    public List<RunId> listRuns() {
        LinkedHashSet<RunId> runs = new LinkedHashSet<>();
        String prefix = "pipelines/" + name + "/runs/";
        for (StoreKey key : store.list(prefix)) {
            String rest = key.value().substring(prefix.length());
            runs.add(new RunId(rest.substring(0, rest.indexOf('/'))));
        }
        return List.copyOf(runs);
    }

    private enum Mode {
        MANUAL,
        RERUN,
        TRIGGERED
    }

    private Optional<PipelineRun> execute(Mode mode) {
        if (dryRun) {
            return plan(mode);
        }
        Lease lease = acquireLease();
        try (Lease.Heartbeat heartbeat = lease.keepAlive()) {
            if (!lease.previousRun().isEmpty()) {
                RunId previous = new RunId(lease.previousRun());
                Journal journal = Journal.read(store, name, previous);
                if (!journal.isEmpty() && !journal.isFinished()) {
                    LOG.info("pipeline {}: resuming interrupted run {}", name, previous);
                    JournalEntry start =
                            journal.find(JournalEntry.RUN, JournalEntry.STARTED).orElseThrow();
                    return Optional.of(execute(lease, previous, eventOf(start), pinnedOf(start), journal));
                }
            }
            Optional<TriggerEvent> event =
                    mode == Mode.TRIGGERED ? trigger.evaluate(triggerContext()) : Optional.of(TriggerEvent.manual());
            if (event.isEmpty()) {
                return Optional.empty();
            }
            Map<String, DatasetVersion> inputs = pin(event.get());
            RunId runId = runId(event.get(), inputs, mode);
            return Optional.of(execute(lease, runId, event.get(), inputs, Journal.read(store, name, runId)));
        } finally {
            lease.release();
        }
    }

    private Lease acquireLease() {
        long deadline = System.nanoTime() + leaseWait.toNanos();
        while (true) {
            Optional<Lease> lease = Lease.tryAcquire(store, name, holder, clock, leaseDuration);
            if (lease.isPresent()) {
                return lease.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw Lease.busy(store, name, leaseWait);
            }
            try {
                // A bounded wait for another process (only with leaseWait > 0); tests use leaseWait(ZERO).
                Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConflictException("interrupted while waiting for the lease of pipeline '" + name + "'", e);
            }
        }
    }

    private TriggerContext triggerContext() {
        Map<String, Long> consumed = new HashMap<>();
        Instant lastRunAt = null;
        Optional<StoredObject> state = store.find(stateKey());
        if (state.isPresent()) {
            RecordReader r = RecordReader.parse(
                    state.get().getBytes(), STATE_FORMAT, stateKey().toString());
            var unusedFormat = r.requireFormat(STATE_FORMAT);
            var unusedRun = r.getString("run");
            r.getStringMap("consumed").forEach((k, v) -> consumed.put(k, Long.parseLong(v)));
            lastRunAt = r.getParsed("triggeredAt", Instant::parse);
            r.finish();
        }
        return new TriggerContext(mlops, clock.instant(), model, championAlias, consumed, lastRunAt);
    }

    private StoreKey stateKey() {
        return StoreKey.of("pipelines/" + name + "/state.json");
    }

    /**
     * Moves the champion alias back when the promoted challenger did not go live, so that the alias never names a model
     * the endpoint does not serve. Idempotent: only an alias still on the challenger is moved.
     */
    private void restoreChampion(
            Execution x,
            Lease lease,
            RunId runId,
            ModelRef challengerRef,
            @Nullable ModelRef championRef,
            Deployment deployment) {
        if (x.done(STEP_RESTORE).isPresent()) {
            x.replay(STEP_RESTORE);
            return;
        }
        x.started(STEP_RESTORE);
        lease.check();
        ModelRegistry registry = mlops.registry();
        Optional<ModelAlias> current = registry.findAlias(model, championAlias);
        if (current.isPresent() && current.get().version() == challengerRef.version()) {
            AliasUpdate update = AliasUpdate.expecting(challengerRef.version());
            update.by("pipeline " + name)
                    .run(runId.value())
                    .reason("deployment " + deployment.getStatus() + ": " + deployment.getReason());
            if (championRef == null) {
                registry.deleteAlias(model, championAlias, update);
            } else {
                var unused = registry.setAlias(model, championAlias, championRef.version(), update);
            }
        }
        var unused = x.finish(
                STEP_RESTORE,
                Map.of(),
                Journal.outputs(
                        "alias", championAlias, "from", challengerRef, "to", championRef == null ? "" : championRef));
    }

    /** Pins the event's versions and the newest versions of the other inputs. */
    private Map<String, DatasetVersion> pin(TriggerEvent event) {
        // Sorted by name, the order a resumed run reads them back from the journal in.
        Map<String, DatasetVersion> pinned = new java.util.TreeMap<>();
        for (DatasetRef ref : event.datasets()) {
            pinned.put(ref.name(), mlops.datasets().get(ref));
        }
        List<String> names = new ArrayList<>(trigger.datasets());
        names.addAll(inputs);
        names.add(holdout);
        for (String dataset : names) {
            // A dataset this pipeline prepares is pinned when its preparation has run, not before.
            if (!pinned.containsKey(dataset) && !preparations.containsKey(dataset)) {
                pinned.put(
                        dataset,
                        mlops.datasets()
                                .findLatest(dataset)
                                .orElseThrow(() -> new IllegalStateException("pipeline '" + name + "' needs dataset '"
                                        + dataset + "', which has no version yet; snapshot it first")));
            }
        }
        return pinned;
    }

    private RunId runId(TriggerEvent event, Map<String, DatasetVersion> inputs, Mode mode) {
        Map<String, Object> digests = new HashMap<>();
        inputs.forEach((k, v) -> digests.put(k, v.getRef() + " " + v.getDigest()));
        Map<String, Object> hashed = Map.of(
                "pipeline", name,
                "inputs", digests,
                "codeRevision", codeRevision,
                "config", config,
                "trigger",
                        Map.of(
                                "kind", event.kind(),
                                "detail", event.detail(),
                                "datasets",
                                        event.datasets().stream()
                                                .map(DatasetRef::toString)
                                                .toList()));
        String base = CanonicalJson.digest(hashed).hex().substring(0, 20);
        if (mode != Mode.RERUN) {
            return RunId.of(base, 1);
        }
        // Attempts are gap-free from 1: find the first free one by probing exponentially, then by bisection.
        int low = 0; // highest attempt known to exist (0: none)
        int high = 1; // an attempt to probe
        while (Journal.exists(store, name, RunId.of(base, high))) {
            low = high;
            high *= 2;
        }
        while (high - low > 1) {
            int mid = low + (high - low) / 2;
            if (Journal.exists(store, name, RunId.of(base, mid))) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return RunId.of(base, low + 1);
    }

    private static TriggerEvent eventOf(JournalEntry start) {
        String refs = start.findOutput("trigger.datasets").orElse("");
        List<DatasetRef> datasets = refs.isEmpty()
                ? List.of()
                : Stream.of(refs.split(",")).map(DatasetRef::parse).toList();
        return new TriggerEvent(
                start.findOutput("trigger.kind").orElse("manual"),
                datasets,
                start.findOutput("trigger.detail").orElse(""),
                List.of());
    }

    private Map<String, DatasetVersion> pinnedOf(JournalEntry start) {
        Map<String, DatasetVersion> pinned = new LinkedHashMap<>();
        start.inputs().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> pinned.put(e.getKey(), mlops.datasets().get(refOf(e.getValue()))));
        return pinned;
    }

    private static DatasetRef refOf(String input) {
        int space = input.indexOf(' ');
        return DatasetRef.parse(space < 0 ? input : input.substring(0, space));
    }

    private static Map<String, String> describe(Map<String, DatasetVersion> versions) {
        Map<String, String> out = new LinkedHashMap<>();
        versions.forEach((k, v) -> out.put(k, v.getRef() + " " + v.getDigest()));
        return out;
    }

    /** Carries out (or, for a finished journal, reads back) a run. */
    private PipelineRun execute(
            Lease lease, RunId runId, TriggerEvent event, Map<String, DatasetVersion> inputs, Journal journal) {
        Execution x = new Execution(lease, runId, journal);
        boolean finished = journal.isFinished();
        Map<String, DatasetVersion> pinned = new LinkedHashMap<>(inputs);
        // Prepared datasets derive from the run's own inputs only, never from each other's or an older preparation.
        DatasetVersion[] sources = inputs.entrySet().stream()
                .filter(e -> !preparations.containsKey(e.getKey()))
                .map(Map.Entry::getValue)
                .toArray(DatasetVersion[]::new);
        if (journal.find(JournalEntry.RUN, JournalEntry.STARTED).isEmpty()) {
            lease.startRun(runId);
            var unused = journal.append(
                    JournalEntry.RUN,
                    JournalEntry.STARTED,
                    clock.instant(),
                    lease.token(),
                    describe(inputs),
                    Journal.outputs(
                            "trigger.kind", event.kind(),
                            "trigger.detail", event.detail(),
                            "trigger.datasets",
                                    String.join(
                                            ",",
                                            event.datasets().stream()
                                                    .map(DatasetRef::toString)
                                                    .toList()),
                            "codeRevision", codeRevision,
                            "config", config),
                    null,
                    List.of());
        } else if (!finished) {
            lease.startRun(runId);
        }
        x.steps.add(new StepOutcome(
                STEP_TRIGGER,
                StepOutcome.DONE,
                Map.of("event", event.toString()),
                x.resumed,
                journal.find(JournalEntry.RUN, JournalEntry.STARTED)
                        .orElseThrow()
                        .at()));
        x.publishFinished(x.steps.get(0));

        for (Map.Entry<String, Preparer> preparation : preparations.entrySet()) {
            String dataset = preparation.getKey();
            String step = STEP_PREPARE + ":" + dataset;
            JournalEntry done = x.done(step).orElseGet(() -> {
                x.started(step);
                Path dir = cleanDirectory(runId, step.replace(':', '-'));
                preparation.getValue().prepare(context(runId, pinned, dir), dir);
                lease.check();
                DatasetVersion version = mlops.datasets()
                        .derive(dataset)
                        .from(sources)
                        .transform(step, codeRevision, Map.of("pipeline", name))
                        .directory(dir)
                        .author("pipeline " + name)
                        .message("prepared by run " + runId)
                        .commit();
                return x.finish(
                        step,
                        describe(pinned),
                        Journal.outputs("dataset", version.getRef(), "digest", version.getDigest()));
            });
            pinned.put(
                    dataset,
                    mlops.datasets().get(DatasetRef.parse(done.outputs().get("dataset"))));
        }

        Path[] trainedArtifacts = {null};
        JournalEntry trained = x.done(STEP_TRAIN).orElseGet(() -> {
            x.started(STEP_TRAIN);
            Path dir = cleanDirectory(runId, STEP_TRAIN);
            TrainedModel result = trainer.train(context(runId, pinned, dir));
            lease.check();
            ContentTrees.StoredTree tree = mlops.datasets()
                    .contentTrees()
                    .storeDirectory(result.getArtifacts(), ProgressListener.NONE, "train " + runId);
            trainedArtifacts[0] = result.getArtifacts();
            Map<String, String> outputs = new LinkedHashMap<>();
            outputs.put("artifacts", tree.digest().toString());
            result.getMetrics().forEach((k, v) -> outputs.put("metric." + k, Double.toString(v)));
            result.getParams().forEach((k, v) -> outputs.put("param." + k, v));
            result.getTags().forEach((k, v) -> outputs.put("tag." + k, v));
            return x.finish(STEP_TRAIN, describe(pinned), outputs);
        });

        JournalEntry registered = x.done(STEP_REGISTER).orElseGet(() -> {
            x.started(STEP_REGISTER);
            Path artifacts = trainedArtifacts[0];
            if (artifacts == null) {
                artifacts = cleanDirectory(runId, "artifacts");
                var unused = mlops.datasets()
                        .contentTrees()
                        .checkout(Digest.parse(trained.outputs().get("artifacts")), artifacts, "run " + runId);
            }
            ModelRegistration registration = new ModelRegistration(model)
                    .requestId(runId.value())
                    .artifacts(artifacts)
                    .codeRevision(codeRevision)
                    .pipelineRun(runId.value())
                    .tag("mlops4j.pipeline", name)
                    .tag("mlops4j.run", runId.value())
                    .tag("mlops4j.trigger", event.kind())
                    .description("trained by pipeline " + name + ", run " + runId);
            trained.outputs().forEach((k, v) -> {
                if (k.startsWith("metric.")) {
                    registration.metric(k.substring("metric.".length()), Double.parseDouble(v));
                } else if (k.startsWith("param.")) {
                    registration.param(k.substring("param.".length()), v);
                } else if (k.startsWith("tag.")) {
                    registration.tag(k.substring("tag.".length()), v);
                }
            });
            pinned.forEach(
                    (k, v) -> registration.input(v.getRef(), k.equals(holdout) ? ModelInput.EVAL : ModelInput.TRAIN));
            lease.check();
            ModelVersion version = mlops.registry().register(registration);
            return x.finish(STEP_REGISTER, Map.of(), Journal.outputs("model", version.getRef()));
        });
        ModelRef challengerRef = ModelRef.parse(registered.outputs().get("model"));

        if (journal.findDone(STEP_COMPARE).isPresent()) {
            x.replay(STEP_EVALUATE); // keeps the steps in order for a resumed run
        }
        JournalEntry compared = x.done(STEP_COMPARE).orElseGet(() -> {
            x.started(STEP_EVALUATE);
            ModelRegistry registry = mlops.registry();
            DatasetVersion holdoutVersion = pinned.get(holdout);
            ModelVersion challenger = registry.get(challengerRef);
            Optional<ModelAlias> alias = registry.findAlias(model, championAlias);
            ModelVersion champion = alias.map(a -> registry.get(a.ref())).orElse(null);
            Evaluation challengerEval = evaluator.evaluate(challenger, holdoutVersion);
            Evaluation championEval = champion == null ? null : evaluator.evaluate(champion, holdoutVersion);
            if (x.done(STEP_EVALUATE).isEmpty()) {
                Map<String, String> outputs = new LinkedHashMap<>();
                outputs.put("holdout", holdoutVersion.getRef().toString());
                outputs.put(
                        "champion", champion == null ? "" : champion.getRef().toString());
                challengerEval.getMetrics().forEach((k, v) -> outputs.put("challenger." + k, Double.toString(v)));
                if (championEval != null) {
                    championEval.getMetrics().forEach((k, v) -> outputs.put("champion." + k, Double.toString(v)));
                }
                var unused = x.finish(STEP_EVALUATE, Map.of(), outputs);
            }
            x.started(STEP_COMPARE);
            Verdict verdict = policy.compare(championEval, challengerEval);
            return x.finish(
                    STEP_COMPARE,
                    Map.of(),
                    Journal.outputs("champion", champion == null ? "" : champion.getRef()),
                    verdict.getDecision(),
                    verdict.getFindings());
        });
        Decision decision = Objects.requireNonNull(compared.decision(), "decision");
        String championText = compared.outputs().getOrDefault("champion", "");
        ModelRef championRef = championText.isEmpty() ? null : ModelRef.parse(championText);

        if (decision == Decision.PROMOTE) {
            var unused = x.done(STEP_PROMOTE).orElseGet(() -> {
                x.started(STEP_PROMOTE);
                lease.check();
                Optional<ModelAlias> current = mlops.registry().findAlias(model, championAlias);
                if (current.isEmpty() || current.get().version() != challengerRef.version()) {
                    AliasUpdate update = championRef == null
                            ? AliasUpdate.expectingAbsent()
                            : AliasUpdate.expecting(championRef.version());
                    update.by("pipeline " + name)
                            .run(runId.value())
                            .reason(decision + " over " + (championRef == null ? "no champion" : championRef));
                    mlops.registry().setAlias(model, championAlias, challengerRef.version(), update);
                }
                return x.finish(
                        STEP_PROMOTE,
                        Map.of(),
                        Journal.outputs(
                                "alias", championAlias,
                                "from", championRef == null ? "" : championRef,
                                "to", challengerRef));
            });
        } else if (x.done(STEP_PROMOTE).isEmpty()) {
            var unused = x.skip(STEP_PROMOTE, "decision " + decision + ": the champion is untouched");
        } else {
            x.replay(STEP_PROMOTE);
        }

        Deployment deployment = null;
        Deployer target = deployer;
        if (target != null && decision == Decision.PROMOTE) {
            OperationId operation = OperationId.of(runId.value());
            Optional<JournalEntry> deployed = x.done(STEP_DEPLOY);
            if (deployed.isPresent()) {
                deployment = target.findOperation(endpoint, operation).orElse(null);
            } else {
                x.started(STEP_DEPLOY);
                lease.check();
                Optional<Deployment> existing = target.findOperation(endpoint, operation);
                if (existing.isPresent() && existing.get().getStatus().isTerminal()) {
                    deployment = existing.get();
                } else {
                    ModelVersion version = mlops.registry().get(challengerRef);
                    DeploymentPlan plan = target.plan(endpoint, version, Objects.requireNonNull(rollout), operation);
                    deployment = target.beginApply(plan).getFinalResult();
                }
                var unused = x.finish(
                        STEP_DEPLOY,
                        Map.of(),
                        Journal.outputs(
                                "endpoint",
                                endpoint,
                                "operation",
                                operation,
                                "status",
                                deployment.getStatus(),
                                "event",
                                deployment.getEvent()));
            }
        } else if (target != null) {
            if (x.done(STEP_DEPLOY).isEmpty()) {
                var unused = x.skip(STEP_DEPLOY, "not promoted: nothing to deploy");
            } else {
                x.replay(STEP_DEPLOY);
            }
        }

        if (deployment != null && !deployment.isSucceeded()) {
            restoreChampion(x, lease, runId, challengerRef, championRef, deployment);
        }

        RunStatus status = switch (decision) {
            case PROMOTE ->
                deployment != null && !deployment.isSucceeded() ? RunStatus.DEPLOYMENT_FAILED : RunStatus.PROMOTED;
            case REJECT -> RunStatus.REJECTED;
            case INCONCLUSIVE -> RunStatus.INCONCLUSIVE;
        };
        if (!finished) {
            lease.check();
            Instant triggeredAt = journal.find(JournalEntry.RUN, JournalEntry.STARTED)
                    .orElseThrow()
                    .at();
            writeState(runId, inputs, triggeredAt);
            var unused = journal.append(
                    JournalEntry.RUN,
                    JournalEntry.FINISHED,
                    clock.instant(),
                    lease.token(),
                    Map.of(),
                    Journal.outputs("status", status),
                    null,
                    List.of());
            deleteQuietly(workRoot.resolve(runId.value()));
        }
        Map<String, DatasetRef> refs = new LinkedHashMap<>();
        pinned.forEach((k, v) -> refs.put(k, v.getRef()));
        PipelineRun run = new PipelineRun(
                name,
                runId,
                event,
                status,
                refs,
                x.steps,
                decision,
                compared.findings(),
                championRef,
                challengerRef,
                deployment,
                x.resumed);
        if (!finished) {
            publisher.publish(new PipelineEvent.RunFinished(name, runId, run, clock.instant()));
            LOG.info("pipeline {}: run {} {}", name, runId, status);
        }
        return run;
    }

    private void writeState(RunId runId, Map<String, DatasetVersion> inputs, Instant triggeredAt) {
        Map<String, String> consumed = new LinkedHashMap<>();
        inputs.forEach((k, v) -> consumed.put(k, Long.toString(v.getNumber())));
        byte[] bytes = RecordWriter.create(STATE_FORMAT)
                .put("run", runId.value())
                .put("consumed", consumed)
                .put("triggeredAt", triggeredAt.toString())
                .toBytes();
        while (true) {
            ObjectTag tag = store.find(stateKey()).map(StoredObject::getTag).orElse(null);
            if (store.compareAndSet(stateKey(), tag, bytes).isPresent()) {
                return;
            }
        }
    }

    private RunContext context(RunId runId, Map<String, DatasetVersion> pinned, Path dir) {
        return new RunContext(mlops, runId, pinned, dir, codeRevision);
    }

    private Path cleanDirectory(RunId runId, String step) {
        Path dir = workRoot.resolve(runId.value()).resolve(step);
        try {
            FileTrees.delete(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the work directory " + dir + " of run " + runId, e);
        }
    }

    /** Removes a finished run's scratch files; a failure only leaves them behind. */
    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.debug("could not remove the scratch files of a finished run in {}", dir, e);
        }
    }

    /** One process's pass through a run: the outcomes so far and the journal it appends to. */
    private final class Execution {
        final Lease lease;
        final RunId runId;
        final Journal journal;
        final boolean resumed;
        final boolean readOnly;
        final List<StepOutcome> steps = new ArrayList<>();

        Execution(Lease lease, RunId runId, Journal journal) {
            this.lease = lease;
            this.runId = runId;
            this.journal = journal;
            this.resumed = !journal.isEmpty();
            this.readOnly = journal.isFinished();
        }

        /** Returns the step's journaled outcome, recording it as resumed. */
        Optional<JournalEntry> done(String step) {
            Optional<JournalEntry> entry = journal.findDone(step);
            entry.ifPresent(e -> {
                if (steps.stream().noneMatch(s -> s.step().equals(step))) {
                    StepOutcome outcome = new StepOutcome(step, e.status(), e.outputs(), true, e.at());
                    steps.add(outcome);
                    if (!readOnly) {
                        publishFinished(outcome);
                    }
                }
            });
            return entry;
        }

        void replay(String step) {
            var unused = done(step);
        }

        void started(String step) {
            publisher.publish(new PipelineEvent.StepStarted(name, runId, step, clock.instant()));
        }

        JournalEntry finish(String step, Map<String, String> inputs, Map<String, String> outputs) {
            return finish(step, inputs, outputs, null, List.of());
        }

        JournalEntry finish(
                String step,
                Map<String, String> inputs,
                Map<String, String> outputs,
                @Nullable Decision decision,
                List<Finding> findings) {
            lease.check();
            JournalEntry entry = journal.append(
                    step, StepOutcome.DONE, clock.instant(), lease.token(), inputs, outputs, decision, findings);
            StepOutcome outcome = new StepOutcome(step, StepOutcome.DONE, outputs, false, entry.at());
            steps.add(outcome);
            publishFinished(outcome);
            return entry;
        }

        JournalEntry skip(String step, String reason) {
            lease.check();
            JournalEntry entry = journal.append(
                    step,
                    StepOutcome.SKIPPED,
                    clock.instant(),
                    lease.token(),
                    Map.of(),
                    Map.of("reason", reason),
                    null,
                    List.of());
            StepOutcome outcome = new StepOutcome(step, StepOutcome.SKIPPED, entry.outputs(), false, entry.at());
            steps.add(outcome);
            publishFinished(outcome);
            return entry;
        }

        void publishFinished(StepOutcome outcome) {
            publisher.publish(new PipelineEvent.StepFinished(name, runId, outcome, clock.instant()));
        }
    }

    /** A dry run: evaluates the trigger, pins the inputs, says what each step would do; writes nothing. */
    private Optional<PipelineRun> plan(Mode mode) {
        Optional<Lease.State> lease = Lease.read(store, name);
        if (lease.isPresent() && !lease.get().run().isEmpty()) {
            RunId previous = new RunId(lease.get().run());
            Journal journal = Journal.read(store, name, previous);
            if (!journal.isEmpty() && !journal.isFinished()) {
                JournalEntry start =
                        journal.find(JournalEntry.RUN, JournalEntry.STARTED).orElseThrow();
                return Optional.of(planned(previous, eventOf(start), pinnedOf(start), journal));
            }
        }
        Optional<TriggerEvent> event =
                mode == Mode.TRIGGERED ? trigger.evaluate(triggerContext()) : Optional.of(TriggerEvent.manual());
        if (event.isEmpty()) {
            return Optional.empty();
        }
        Map<String, DatasetVersion> inputs = pin(event.get());
        RunId runId = runId(event.get(), inputs, mode);
        return Optional.of(planned(runId, event.get(), inputs, Journal.read(store, name, runId)));
    }

    private PipelineRun planned(RunId runId, TriggerEvent event, Map<String, DatasetVersion> inputs, Journal journal) {
        Instant now = clock.instant();
        List<StepOutcome> steps = new ArrayList<>();
        String resume = journal.isEmpty()
                ? ""
                : journal.isFinished()
                        ? "already finished: would return the journaled result; "
                        : "would resume the interrupted run ("
                                + journal.entries().size() + " records); ";
        steps.add(new StepOutcome(
                STEP_TRIGGER,
                StepOutcome.PLANNED,
                Map.of("plan", resume + "run " + runId + " for " + event),
                false,
                now));
        for (String dataset : preparations.keySet()) {
            steps.add(planned(
                    STEP_PREPARE + ":" + dataset,
                    "would derive dataset '" + dataset + "' from "
                            + inputs.values().stream()
                                    .map(DatasetVersion::getRef)
                                    .toList(),
                    now));
        }
        steps.add(planned(
                STEP_TRAIN,
                "would train on "
                        + inputs.values().stream().map(DatasetVersion::getRef).toList() + " with code revision "
                        + codeRevision,
                now));
        steps.add(planned(
                STEP_REGISTER, "would register a version of model '" + model + "' with request id " + runId, now));
        Optional<ModelAlias> champion = mlops.registry().findAlias(model, championAlias);
        steps.add(planned(
                STEP_EVALUATE,
                "would evaluate the challenger and "
                        + champion.map(a -> "the champion " + a.ref())
                                .orElse("no champion (alias '" + championAlias + "' is not set)")
                        + " on " + inputs.get(holdout).getRef(),
                now));
        steps.add(planned(STEP_COMPARE, "would compare them with " + policy, now));
        steps.add(planned(
                STEP_PROMOTE,
                "if promoted: would move alias '" + championAlias + "' of '" + model + "' from "
                        + champion.map(a -> a.ref().toString()).orElse("nothing") + " by compare-and-set",
                now));
        Deployer target = deployer;
        if (target != null) {
            steps.add(planned(
                    STEP_DEPLOY,
                    "if promoted: would deploy to endpoint '" + endpoint + "' by " + rollout
                            + " as operation " + runId + "; now live: "
                            + target.findStatus(endpoint)
                                    .flatMap(s -> s.findLiveModel().map(ModelRef::toString))
                                    .orElse("nothing"),
                    now));
        }
        Map<String, DatasetRef> refs = new LinkedHashMap<>();
        inputs.forEach((k, v) -> refs.put(k, v.getRef()));
        return new PipelineRun(
                name,
                runId,
                event,
                RunStatus.DRY_RUN,
                refs,
                steps,
                null,
                List.of(),
                champion.map(ModelAlias::ref).orElse(null),
                null,
                null,
                false);
    }

    private static StepOutcome planned(String step, String plan, Instant now) {
        return new StepOutcome(step, StepOutcome.PLANNED, Map.of("plan", plan), false, now);
    }

    @Override
    public String toString() {
        return "RetrainingPipeline{" + name + (dryRun ? " (dry run)" : "") + ": " + config + "}";
    }
}
