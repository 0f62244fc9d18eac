package org.mlops4j.test;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.pipeline.spi.RemoteTrainer;
import org.mlops4j.pipeline.spi.TrainingHandle;
import org.mlops4j.pipeline.spi.TrainingJob;
import org.mlops4j.pipeline.spi.TrainingRequest;
import org.mlops4j.pipeline.spi.TrainingResult;
import org.mlops4j.pipeline.spi.TrainingStatus;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * A {@link RemoteTrainer} whose jobs live in an {@link ObjectStore}, so that they outlive the process that submitted
 * them: a crash test kills a pipeline while its job runs and checks that the next process re-attaches to it.
 *
 * <ul>
 *   <li>{@link #submit} runs the {@link Job} (in the submitting process, as if on remote compute), stores its
 *       artifacts as a content tree and creates the job's record, in one compare-and-set. A job is named after its
 *       idempotency key, so a second submission with the same key runs nothing and returns the same handle; every
 *       submission that reaches the store is counted ({@link #submissions}), the first and the repeated ones;
 *   <li>{@link #find} looks a job up by its key;
 *   <li>a job is {@code Running} until {@code duration} has passed on the fake's clock since it was submitted, then
 *       {@code Succeeded} (or {@code Failed} with {@link Builder#failWith});
 *   <li>{@link #fetch} checks the artifacts out of the store into the pipeline's directory.
 * </ul>
 *
 * <p>Keys: {@code fake-remote-trainer/jobs/<handle>.properties} (compare-and-set) and the content trees of the
 * artifacts. Thread-safe; several processes may share a store.
 *
 * <pre>{@code
 * FakeRemoteTrainer jobs = FakeRemoteTrainer.builder()
 *         .store(remoteStore)
 *         .executor(mlops.executor())
 *         .job((request, out) -> {
 *             Files.writeString(out.resolve("model.txt"), "trained on " + request.datasets().keySet());
 *             return TrainingResult.empty();
 *         })
 *         .duration(Duration.ofSeconds(2))
 *         .build();
 * RetrainingPipeline pipeline = mlops.pipeline("churn")…trainRemotely(jobs)…build();
 * assertThat(jobs.submissions(run.getRunId().value())).isEqualTo(1);
 * }</pre>
 */
public final class FakeRemoteTrainer implements RemoteTrainer {
    private static final String PREFIX = "fake-remote-trainer/jobs/";

    /** What a fake job does: writes a model's files into {@code output} and says what to register with them. */
    @FunctionalInterface
    public interface Job {
        /**
         * Trains.
         *
         * @param request the pipeline run's key, pinned datasets and code revision
         * @param output an empty directory for the artifacts
         * @return the metrics, parameters and tags to register
         */
        TrainingResult train(TrainingRequest request, Path output);
    }

    private final ObjectStore store;
    private final ContentTrees trees;
    private final Job job;
    private final Clock clock;
    private final Duration duration;
    private final Duration pollInterval;
    private final @Nullable String failure;

    private FakeRemoteTrainer(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.trees = ContentTrees.on(store, Objects.requireNonNull(b.executor, "executor"), 2);
        this.job = Objects.requireNonNull(b.job, "job");
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.duration = b.duration == null ? Duration.ZERO : b.duration;
        this.pollInterval = b.pollInterval == null ? Duration.ofMillis(10) : b.pollInterval;
        this.failure = b.failure;
    }

    /** Returns a builder; {@code store}, {@code executor} and {@code job} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TrainingHandle submit(TrainingRequest request) {
        TrainingHandle handle = handleOf(request.idempotencyKey());
        StoreKey key = keyOf(handle);
        while (true) {
            Optional<StoredObject> existing = store.find(key);
            if (existing.isPresent()) {
                Properties again = decode(existing.get());
                again.setProperty("submissions", Long.toString(count(again) + 1));
                if (store.compareAndSet(key, existing.get().getTag(), encode(again))
                        .isPresent()) {
                    return handle;
                }
            } else if (store.compareAndSet(key, null, encode(run(request))).isPresent()) {
                return handle;
            }
        }
    }

    @Override
    public Optional<TrainingHandle> find(String idempotencyKey) {
        TrainingHandle handle = handleOf(idempotencyKey);
        return store.exists(keyOf(handle)) ? Optional.of(handle) : Optional.empty();
    }

    @Override
    public TrainingJob poll(TrainingHandle handle) {
        Properties record = read(handle);
        Instant done = Instant.parse(record.getProperty("submitted")).plus(duration);
        if (clock.instant().isBefore(done)) {
            return new TrainingJob(handle, TrainingStatus.RUNNING, "ends at " + done);
        }
        String failed = record.getProperty("failure", "");
        return failed.isEmpty()
                ? new TrainingJob(handle, TrainingStatus.SUCCEEDED, "")
                : new TrainingJob(handle, TrainingStatus.FAILED, failed);
    }

    @Override
    public TrainingResult fetch(TrainingHandle handle, Path directory) {
        TrainingJob polled = poll(handle);
        if (!polled.status().equals(TrainingStatus.SUCCEEDED)) {
            throw new IllegalStateException("cannot fetch the artifacts of " + polled + "; fetch a succeeded job");
        }
        Properties record = read(handle);
        var unused = trees.checkout(Digest.parse(record.getProperty("artifacts")), directory, "job " + handle);
        Map<String, Double> metrics = new TreeMap<>();
        Map<String, String> params = new TreeMap<>();
        Map<String, String> tags = new TreeMap<>();
        for (String name : record.stringPropertyNames()) {
            String value = record.getProperty(name);
            if (name.startsWith("metric.")) {
                metrics.put(name.substring("metric.".length()), Double.parseDouble(value));
            } else if (name.startsWith("param.")) {
                params.put(name.substring("param.".length()), value);
            } else if (name.startsWith("tag.")) {
                tags.put(name.substring("tag.".length()), value);
            }
        }
        return new TrainingResult(metrics, params, tags);
    }

    @Override
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Counts the submissions with an idempotency key that reached the store: 1 for a pipeline run that re-attached
     * whenever it resumed, more for one that submitted again.
     *
     * @param idempotencyKey the key (a pipeline run id)
     * @return how many submissions; 0 if none
     */
    public long submissions(String idempotencyKey) {
        return store.find(keyOf(handleOf(idempotencyKey)))
                .map(found -> count(decode(found)))
                .orElse(0L);
    }

    /** Runs a job and stores its artifacts; returns the job's first record. */
    private Properties run(TrainingRequest request) {
        Properties record = new Properties();
        record.setProperty("key", request.idempotencyKey());
        record.setProperty("submissions", "1");
        record.setProperty("submitted", clock.instant().toString());
        if (failure != null) {
            record.setProperty("failure", failure);
            return record;
        }
        Path output;
        try {
            output = Files.createTempDirectory("fake-remote-trainer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for a fake training job", e);
        }
        try {
            TrainingResult result = job.train(request, output);
            ContentTrees.StoredTree tree =
                    trees.storeDirectory(output, ProgressListener.NONE, "job " + request.idempotencyKey());
            record.setProperty("artifacts", tree.digest().toString());
            result.metrics().forEach((k, v) -> record.setProperty("metric." + k, Double.toString(v)));
            result.params().forEach((k, v) -> record.setProperty("param." + k, v));
            result.tags().forEach((k, v) -> record.setProperty("tag." + k, v));
            return record;
        } finally {
            deleteQuietly(output);
        }
    }

    /** Removes the job's temp directory; a failure leaves a test's temp files behind, nothing else. */
    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // only temp files are left
        }
    }

    private Properties read(TrainingHandle handle) {
        return store.find(keyOf(handle))
                .map(FakeRemoteTrainer::decode)
                .orElseThrow(() -> new NotFoundException(
                        "no training job " + handle + " in " + store + "; submit it first, or check the handle"));
    }

    private static long count(Properties record) {
        return Long.parseLong(record.getProperty("submissions"));
    }

    /** A job is named after its key, as a backend that takes the key as the job's name does. */
    private static TrainingHandle handleOf(String idempotencyKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return new TrainingHandle("job-" + HexFormat.of().formatHex(hash, 0, 10));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static StoreKey keyOf(TrainingHandle handle) {
        return StoreKey.of(PREFIX + handle.value() + ".properties");
    }

    private static byte[] encode(Properties record) {
        StringWriter out = new StringWriter();
        try {
            record.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Properties decode(StoredObject object) {
        Properties record = new Properties();
        try {
            record.load(new StringReader(new String(object.getBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable fake training job " + object.getKey(), e);
        }
        return record;
    }

    @Override
    public String toString() {
        return "FakeRemoteTrainer{" + store + (failure == null ? "" : ", failing") + "}";
    }

    /** Sets up a {@link FakeRemoteTrainer}; each setting may be made once. Not thread-safe. */
    public static final class Builder {
        private @Nullable ObjectStore store;
        private @Nullable ExecutorService executor;
        private @Nullable Job job;
        private @Nullable Clock clock;
        private @Nullable Duration duration;
        private @Nullable Duration pollInterval;
        private @Nullable String failure;

        private Builder() {}

        /**
         * Keeps the jobs in a store: a lake shared with child processes in crash tests, or an
         * {@link InMemoryObjectStore}.
         *
         * @param store the store
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder store(ObjectStore store) {
            once(this.store, "store");
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Hashes and checks out the jobs' artifacts on an executor (e.g. {@code mlops.executor()}).
         *
         * @param executor the executor; the caller shuts it down
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder executor(ExecutorService executor) {
            once(this.executor, "executor");
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets what every job does.
         *
         * @param job writes the artifacts and returns what to register
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder job(Job job) {
            once(this.job, "job");
            this.job = Objects.requireNonNull(job, "job");
            return this;
        }

        /**
         * Sets the clock a job's running time is measured on (default: the system's).
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            once(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how long each job runs after its submission (default: zero, done at the first poll).
         *
         * @param duration the running time
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder duration(Duration duration) {
            once(this.duration, "duration");
            if (Objects.requireNonNull(duration, "duration").isNegative()) {
                throw new IllegalArgumentException("a job's duration must not be negative, got " + duration);
            }
            this.duration = duration;
            return this;
        }

        /**
         * Sets how long a pipeline waits between two polls (default: 10 ms).
         *
         * @param interval the interval
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder pollInterval(Duration interval) {
            once(this.pollInterval, "pollInterval");
            if (Objects.requireNonNull(interval, "interval").isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the poll interval must be positive, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Makes every job fail with a reason instead of training.
         *
         * @param reason what the failed jobs report
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder failWith(String reason) {
            once(this.failure, "failWith");
            this.failure = Objects.requireNonNull(reason, "reason");
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         * @throws IllegalStateException if the store, the executor or the job is missing
         */
        public FakeRemoteTrainer build() {
            if (store == null || executor == null || job == null) {
                throw new IllegalStateException("a FakeRemoteTrainer needs store(…), executor(…) and job(…)");
            }
            return new FakeRemoteTrainer(this);
        }

        private static void once(@Nullable Object current, String setting) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to " + current + "; set it once");
            }
        }

        @Override
        public String toString() {
            return "FakeRemoteTrainer.Builder";
        }
    }
}
