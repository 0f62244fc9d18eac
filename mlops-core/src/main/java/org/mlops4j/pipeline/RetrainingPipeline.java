package org.mlops4j.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
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
 *       was lost is found again instead of repeated. A remote training job ({@link TrainStep#trainRemotely}) is
 *       submitted with the run id as its idempotency key and its handle journaled before the wait, so a resumed run
 *       re-attaches to it instead of submitting another. Evaluation writes nothing and is redone when the verdict was
 *       not journaled (per-example outcomes are not journaled).
 *   <li><b>No second upload.</b> The train step stores the artifacts in the lake; registration refers to that tree
 *       by its digest.
 *   <li><b>Rejected challengers are registered</b> (like MLflow keeps candidates), tagged with the pipeline and run
 *       ({@code mlops4j.pipeline}, {@code mlops4j.run}); the verdict is in the journal and the champion is untouched.
 *   <li><b>Lease.</b> One process runs a pipeline at a time: a lease in the lake with an expiry on the store's time
 *       (the same for every host sharing the lake; a clock set with {@code clock(…)} replaces it) and a fencing token, renewed while running and checked before every side effect. A second process
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

    private static final Logger LOG = LoggerFactory.getLogger(RetrainingPipeline.class);

    private final PipelineDefinition pipeline;
    private final ObjectStore store;
    private final Datasets datasets;

    RetrainingPipeline(PipelineBuilder builder) {
        this.pipeline = new PipelineDefinition(builder);
        this.store = pipeline.services.objectStore();
        this.datasets = pipeline.services.datasets();
    }

    /**
     * Starts defining a pipeline; {@code Mlops.pipeline(name)} calls this with its own services.
     *
     * @param name the pipeline's name (letters, digits, {@code .}, {@code _}, {@code -})
     * @param services the lake, its datasets, the registry and the clock to use
     * @return the first step
     * @throws IllegalArgumentException if the name is invalid
     */
    public static TriggerStep builder(String name, PipelineServices services) {
        return new PipelineBuilder(services, name);
    }

    /** Returns the pipeline's name. */
    public String getName() {
        return pipeline.name;
    }

    /** Returns where listeners register for step and run events. */
    public PipelineEventPublisher getEventPublisher() {
        return pipeline.publisher;
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
     * @throws MlopsException if the lake, registry, trainer or deployer fails (the run resumes on the next call)
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
     * @throws MlopsException if the lake, registry, trainer or deployer fails
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
     * @throws MlopsException if the lake, registry, trainer or deployer fails
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
        return Journal.read(store, pipeline.name, runId).entries();
    }

    /**
     * Lists the runs that have a journal, in key order.
     *
     * @return their ids
     */
    public List<RunId> listRuns() {
        LinkedHashSet<RunId> runs = new LinkedHashSet<>();
        String prefix = "pipelines/" + pipeline.name + "/runs/";
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
        if (pipeline.dryRun) {
            String previous =
                    Lease.read(store, pipeline.name).map(Lease.State::run).orElse("");
            return nextRun(previous, mode).map(new DryRun(pipeline)::plan);
        }
        Lease lease = acquireLease();
        try (Lease.Heartbeat heartbeat = lease.keepAlive()) {
            return nextRun(lease.previousRun(), mode).map(start -> new RunExecution(pipeline, lease, start).execute());
        } finally {
            lease.release();
        }
    }

    /**
     * Returns the run to work on: the one the previous lease holder left unfinished, else the one the trigger (or a
     * manual call) starts, else none.
     */
    private Optional<RunStart> nextRun(String previousRun, Mode mode) {
        if (!previousRun.isEmpty()) {
            RunId previous = new RunId(previousRun);
            Journal journal = Journal.read(store, pipeline.name, previous);
            if (!journal.isEmpty() && !journal.isFinished()) {
                LOG.info("pipeline {}: resuming interrupted run {}", pipeline.name, previous);
                JournalEntry start =
                        journal.find(JournalEntry.RUN, JournalEntry.STARTED).orElseThrow();
                return Optional.of(new RunStart(previous, eventOf(start), pinnedOf(start), journal));
            }
        }
        Optional<TriggerEvent> event = mode == Mode.TRIGGERED
                ? pipeline.trigger.evaluate(triggerContext())
                : Optional.of(TriggerEvent.manual());
        return event.map(e -> {
            Map<String, DatasetVersion> inputs = pin(e);
            RunId runId = runId(e, inputs, mode);
            return new RunStart(runId, e, inputs, Journal.read(store, pipeline.name, runId));
        });
    }

    private Lease acquireLease() {
        long deadline = System.nanoTime() + pipeline.leaseWait.toNanos();
        while (true) {
            Optional<Lease> lease = Lease.tryAcquire(
                    store, pipeline.name, pipeline.holder, pipeline.leaseClock, pipeline.leaseDuration);
            if (lease.isPresent()) {
                return lease.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw Lease.busy(store, pipeline.name, pipeline.leaseWait);
            }
            try {
                // A bounded wait for another process (only with leaseWait > 0); tests use leaseWait(ZERO).
                Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConflictException(
                        "interrupted while waiting for the lease of pipeline '" + pipeline.name + "'", e);
            }
        }
    }

    private TriggerContext triggerContext() {
        PipelineState state = PipelineState.read(store, pipeline.name);
        return new TriggerContext(
                pipeline.services,
                pipeline.clock.instant(),
                pipeline.model,
                pipeline.championAlias,
                state.consumed(),
                state.triggeredAt());
    }

    /** Pins the event's versions and the newest versions of the other inputs. */
    private Map<String, DatasetVersion> pin(TriggerEvent event) {
        // Sorted by name, the order a resumed run reads them back from the journal in.
        Map<String, DatasetVersion> pinned = new TreeMap<>();
        for (DatasetRef ref : event.datasets()) {
            pinned.put(ref.name(), datasets.get(ref));
        }
        List<String> names = new ArrayList<>(pipeline.trigger.datasets());
        names.addAll(pipeline.inputs);
        names.add(pipeline.holdout);
        for (String dataset : names) {
            // A dataset this pipeline prepares is pinned when its preparation has run, not before.
            if (!pinned.containsKey(dataset) && !pipeline.prepares(dataset)) {
                pinned.put(
                        dataset,
                        datasets.findLatest(dataset)
                                .orElseThrow(() -> new IllegalStateException("pipeline '" + pipeline.name
                                        + "' needs dataset '" + dataset + "', which has no version yet; snapshot it"
                                        + " first")));
            }
        }
        return pinned;
    }

    private RunId runId(TriggerEvent event, Map<String, DatasetVersion> inputs, Mode mode) {
        Map<String, Object> digests = new HashMap<>();
        inputs.forEach((k, v) -> digests.put(k, v.getRef() + " " + v.getDigest()));
        Map<String, Object> hashed = Map.of(
                "pipeline", pipeline.name,
                "inputs", digests,
                "codeRevision", pipeline.codeRevision,
                "config", pipeline.config,
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
        while (Journal.exists(store, pipeline.name, RunId.of(base, high))) {
            low = high;
            high *= 2;
        }
        while (high - low > 1) {
            int mid = low + (high - low) / 2;
            if (Journal.exists(store, pipeline.name, RunId.of(base, mid))) {
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
                .forEach(e -> pinned.put(e.getKey(), datasets.get(refOf(e.getValue()))));
        return pinned;
    }

    private static DatasetRef refOf(String input) {
        int space = input.indexOf(' ');
        return DatasetRef.parse(space < 0 ? input : input.substring(0, space));
    }

    @Override
    public String toString() {
        return "RetrainingPipeline{" + pipeline + "}";
    }
}
