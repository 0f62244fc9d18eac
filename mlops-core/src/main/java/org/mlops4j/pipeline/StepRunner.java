package org.mlops4j.pipeline;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mlops4j.common.ConflictException;

/**
 * Runs a run's steps through its journal: a step already journaled is replayed (its outcome read back, not redone);
 * any other step is announced, performed, and journaled under the lease's fencing token. It also keeps the run's
 * outcomes in order and publishes the step events, so that every step — trigger, preparations, train, register,
 * evaluate, compare, promote, deploy, restore — is journaled, replayed and announced the same way
 * ({@code docs/pipeline-journal.md}).
 *
 * <p>A finished journal is read only: its steps are replayed without events, and none is performed. Not thread-safe:
 * one process (the lease holder) runs a run.
 */
final class StepRunner {
    private final PipelineDefinition pipeline;
    private final RunId runId;
    private final Journal journal;
    private final Lease lease;
    private final Clock clock;
    private final boolean resumed;
    private final boolean readOnly;
    private final List<StepOutcome> outcomes = new ArrayList<>();

    StepRunner(PipelineDefinition pipeline, Lease lease, RunId runId, Journal journal) {
        this.pipeline = pipeline;
        this.runId = runId;
        this.journal = journal;
        this.lease = lease;
        this.clock = pipeline.clock;
        this.resumed = !journal.isEmpty();
        this.readOnly = journal.isFinished();
    }

    /**
     * The trigger step: journals the run's {@code run}/{@code started} record (its pinned inputs and trigger event),
     * or finds it, and points the lease at the run so that the next holder resumes it. The trigger was evaluated
     * before the run had an id, so no start is announced.
     */
    void start(Map<String, String> inputs, Map<String, String> outputs, TriggerEvent event) {
        Optional<JournalEntry> started = journal.find(JournalEntry.RUN, JournalEntry.STARTED);
        if (!readOnly) {
            lease.startRun(runId);
        }
        JournalEntry record = started.orElseGet(() -> journal.append(
                JournalEntry.RUN,
                JournalEntry.STARTED,
                clock.instant(),
                lease.token(),
                inputs,
                outputs,
                null,
                List.of()));
        add(new StepOutcome(
                RetrainingPipeline.STEP_TRIGGER,
                StepOutcome.DONE,
                Map.of("event", event.toString()),
                resumed,
                record.at()));
    }

    /**
     * Runs a step unless the journal has its outcome.
     *
     * @param step the step's name
     * @param work performs the step (checking the lease before each side effect) and says what to journal
     * @return the step's journal record: the one found, or the one written
     */
    JournalEntry run(String step, Supplier<StepRecord> work) {
        Optional<JournalEntry> done = replay(step);
        if (done.isPresent()) {
            return done.get();
        }
        requireWritable(step);
        announce(step);
        return append(step, work.get());
    }

    /**
     * Runs a step whose result later steps need in memory (it is not journaled in full, as evaluations are not), even
     * if the journal has its outcome; journals it only once.
     *
     * @param step the step's name
     * @param work performs the step; must write nothing
     * @param record what to journal of its result
     * @return its result
     */
    <T> T redo(String step, Supplier<T> work, Function<T, StepRecord> record) {
        requireWritable(step);
        announce(step);
        T result = work.get();
        if (replay(step).isEmpty()) {
            var unused = append(step, record.apply(result));
        }
        return result;
    }

    /**
     * Replays a journaled step: its outcome joins the run's (once), announced as finished unless the run is read
     * only.
     *
     * @return its record, or empty if the step is not journaled
     */
    Optional<JournalEntry> replay(String step) {
        Optional<JournalEntry> entry = journal.findDone(step);
        entry.ifPresent(e -> {
            if (outcomes.stream().noneMatch(s -> s.step().equals(step))) {
                add(new StepOutcome(step, e.status(), e.outputs(), true, e.at()));
            }
        });
        return entry;
    }

    /** Tells whether the journal holds a step's outcome. */
    boolean isDone(String step) {
        return journal.findDone(step).isPresent();
    }

    /**
     * Journals a step's progress that a resumed run needs before the step's outcome exists: a remote training job's
     * {@code submitted} record with its handle.
     */
    void note(String step, String status, Map<String, String> outputs) {
        lease.check();
        var unused = journal.append(step, status, clock.instant(), lease.token(), Map.of(), outputs, null, List.of());
    }

    /** Finds a step's progress record ({@link #note}). */
    Optional<JournalEntry> findNote(String step, String status) {
        return journal.find(step, status);
    }

    /**
     * Checks, before a side effect, that this process still holds the pipeline's lease.
     *
     * @throws ConflictException if another process took it
     */
    void checkLease() {
        lease.check();
    }

    /** Journals the run's end record; the caller checked the lease and wrote the pipeline's state. */
    void finish(RunStatus status) {
        var unused = journal.append(
                JournalEntry.RUN,
                JournalEntry.FINISHED,
                clock.instant(),
                lease.token(),
                Map.of(),
                Journal.outputs("status", status),
                null,
                List.of());
    }

    /** Returns when the run started (its {@code run}/{@code started} record). */
    Instant startedAt() {
        return journal.find(JournalEntry.RUN, JournalEntry.STARTED)
                .orElseThrow()
                .at();
    }

    /** Returns the status journaled when the run finished, if it has. */
    Optional<RunStatus> findFinishedStatus() {
        return journal.find(JournalEntry.RUN, JournalEntry.FINISHED)
                .flatMap(e -> e.findOutput("status"))
                .map(RunStatus::fromString);
    }

    /** Returns whether the run was finished before this pass: nothing is performed or announced then. */
    boolean isReadOnly() {
        return readOnly;
    }

    /** Returns whether the journal had records before this pass. */
    boolean isResumed() {
        return resumed;
    }

    /** Returns the outcomes so far, in order. */
    List<StepOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    private JournalEntry append(String step, StepRecord record) {
        lease.check();
        JournalEntry entry = journal.append(
                step,
                record.status(),
                clock.instant(),
                lease.token(),
                record.inputs(),
                record.outputs(),
                record.decision(),
                record.findings());
        add(new StepOutcome(step, entry.status(), entry.outputs(), false, entry.at()));
        return entry;
    }

    private void add(StepOutcome outcome) {
        outcomes.add(outcome);
        if (!readOnly) {
            pipeline.publisher.publish(new PipelineEvent.StepFinished(pipeline.name, runId, outcome, clock.instant()));
        }
    }

    private void announce(String step) {
        pipeline.publisher.publish(new PipelineEvent.StepStarted(pipeline.name, runId, step, clock.instant()));
    }

    private void requireWritable(String step) {
        if (readOnly) {
            throw new IllegalStateException("the journal of the finished run " + runId + " of pipeline '"
                    + pipeline.name + "' has no record of step '" + step + "'; it was changed or damaged. Inspect it"
                    + " with readJournal(runId), or start a new attempt with rerun()");
        }
    }

    @Override
    public String toString() {
        return "StepRunner{" + pipeline.name + " " + runId + ", " + outcomes.size() + " steps}";
    }
}
