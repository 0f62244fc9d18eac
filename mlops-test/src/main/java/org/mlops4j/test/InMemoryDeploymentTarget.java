package org.mlops4j.test;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.deploy.spi.SlotHealth;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetOperation;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * A {@link DeploymentTarget} that serves nothing but keeps a remote backend's books: what each endpoint serves and
 * its latest update, in an {@link ObjectStore} (its own {@link InMemoryObjectStore} by default, or a lake, so that
 * they outlive a process in crash tests). Like a cloud endpoint it takes its time: an update is served only after it
 * was {@linkplain #poll polled} a set number of times (one by default), so a deployer's handles, re-attach and
 * convergence are exercised. Health is what {@link Builder#slotMetrics} says (healthy by default); updates naming a
 * model {@link Builder#failing} picks end {@linkplain TargetOperation.State#FAILED failed}.
 *
 * <p>Keys: {@code deployments/<endpoint>/in-memory.json} (compare-and-set). Thread-safe; several processes may share
 * a store. {@link InMemoryDeployer} builds a deployer over it.
 */
public final class InMemoryDeploymentTarget implements DeploymentTarget {
    /** The target name written into deployment events. */
    public static final String NAME = "in-memory";

    private static final RecordFormat FORMAT = RecordFormat.of("mlops4j.test.target-endpoint", 1);

    private final ObjectStore store;
    private final BiFunction<String, ModelRef, SlotMetrics> slotMetrics;
    private final Predicate<ModelRef> failing;
    private final int pollsPerUpdate;

    private InMemoryDeploymentTarget(Builder builder) {
        this.store = builder.store == null ? new InMemoryObjectStore() : builder.store;
        this.slotMetrics = builder.slotMetrics;
        this.failing = builder.failing;
        this.pollsPerUpdate = builder.pollsPerUpdate;
    }

    /** Returns a target on its own in-memory store, healthy, one poll per update. */
    public static InMemoryDeploymentTarget create() {
        return builder().build();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Refuses a model version without artifacts: a target serves artifacts. */
    @Override
    public void checkServable(ModelVersion model) {
        if (model.getArtifacts().isEmpty()) {
            throw new IllegalArgumentException("model " + model.getRef()
                    + " has no artifacts to serve; register it with ModelRegistration.artifacts(directory)");
        }
    }

    @Override
    public Optional<String> findScoringUri(String endpoint) {
        return Optional.of("memory://" + endpoint);
    }

    @Override
    public Optional<SlotLayout> read(String endpoint) {
        return load(endpoint).map(Stored::books).flatMap(b -> Optional.ofNullable(b.served()));
    }

    @Override
    public TargetOperation beginUpdate(String endpoint, SlotLayout layout, String key) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(key, "key");
        while (true) {
            Optional<Stored> found = load(endpoint);
            Books books = found.map(Stored::books).orElse(new Books(null, null));
            Update current = books.update();
            if (current != null && current.key().equals(key)) {
                return current.handle(); // the same key re-attaches
            }
            Update update = new Update(
                    key, endpoint + "/" + key, layout, pollsPerUpdate, TargetOperation.State.IN_PROGRESS, "accepted");
            Books next = new Books(books.served(), update);
            if (pollsPerUpdate == 0) {
                next = finish(next);
            }
            if (save(endpoint, found.orElse(null), next)) {
                return Objects.requireNonNull(next.update()).handle();
            }
        }
    }

    @Override
    public TargetOperation poll(String endpoint, String token) {
        while (true) {
            Optional<Stored> found = load(endpoint);
            Update update = found.map(s -> s.books().update()).orElse(null);
            if (found.isEmpty() || update == null || !update.token().equals(token)) {
                throw new NotFoundException("the in-memory target has no update " + token + " on endpoint '" + endpoint
                        + "'; begin it again with its key");
            }
            if (update.state() != TargetOperation.State.IN_PROGRESS) {
                return update.handle();
            }
            Books books = found.get().books();
            Books next = update.pollsLeft() <= 1 ? finish(books) : new Books(books.served(), update.polled());
            if (save(endpoint, found.get(), next)) {
                return Objects.requireNonNull(next.update()).handle();
            }
        }
    }

    @Override
    public SlotHealth health(String endpoint, String slot) {
        TargetSlot served = read(endpoint)
                .flatMap(layout -> layout.find(slot))
                .orElseThrow(() -> new NotFoundException(
                        "endpoint '" + endpoint + "' serves no slot " + slot + " on the in-memory target"));
        SlotMetrics m = slotMetrics.apply(slot, served.model());
        return new SlotHealth(m.requests(), m.errors(), m.p95Latency(), m.maxLatency());
    }

    @Override
    public String toString() {
        return "InMemoryDeploymentTarget{" + store + ", " + pollsPerUpdate + " polls per update}";
    }

    /** The update ends: served, or failed (what was served stays) when it names a model the builder fails. */
    private Books finish(Books books) {
        Update u = Objects.requireNonNull(books.update());
        List<ModelRef> refused = u.layout().slots().stream()
                .map(TargetSlot::model)
                .filter(failing)
                .toList();
        if (!refused.isEmpty()) {
            String why = "the in-memory target fails " + refused + ", as it was built to";
            return new Books(books.served(), u.ended(TargetOperation.State.FAILED, why));
        }
        return new Books(u.layout(), u.ended(TargetOperation.State.SUCCEEDED, "serving " + u.layout()));
    }

    // --- books -----------------------------------------------------------------------------------------------------

    /** An update as the fake keeps it. */
    private record Update(
            String key, String token, SlotLayout layout, int pollsLeft, TargetOperation.State state, String message) {
        Update polled() {
            return new Update(
                    key, token, layout, pollsLeft - 1, state, "in progress, " + (pollsLeft - 1) + " polls left");
        }

        Update ended(TargetOperation.State how, String why) {
            return new Update(key, token, layout, 0, how, why);
        }

        TargetOperation handle() {
            return new TargetOperation(token, state, message);
        }
    }

    /** An endpoint's books: the layout served (null before the first), and the latest update. */
    private record Books(
            @Nullable SlotLayout served, @Nullable Update update) {}

    private record Stored(Books books, ObjectTag tag) {}

    private Optional<Stored> load(String endpoint) {
        return store.find(key(endpoint)).map(o -> new Stored(decode(o), o.getTag()));
    }

    private boolean save(String endpoint, @Nullable Stored before, Books books) {
        return store.compareAndSet(key(endpoint), before == null ? null : before.tag(), encode(endpoint, books))
                .isPresent();
    }

    private static StoreKey key(String endpoint) {
        return StoreKey.of("deployments/" + endpoint + "/in-memory.json");
    }

    private static byte[] encode(String endpoint, Books books) {
        RecordWriter w = RecordWriter.create(FORMAT).put("endpoint", endpoint);
        if (books.served() != null) {
            w.put("served", books.served().toString());
        }
        Update u = books.update();
        if (u != null) {
            w.put(
                    "update",
                    RecordWriter.object()
                            .put("key", u.key())
                            .put("token", u.token())
                            .put("layout", u.layout().toString())
                            .put("pollsLeft", (long) u.pollsLeft())
                            .put("state", u.state().name())
                            .put("message", u.message()));
        }
        return w.toBytes();
    }

    private static Books decode(StoredObject object) {
        RecordReader r =
                RecordReader.parse(object.getBytes(), FORMAT, object.getKey().value());
        var unused = r.getString("endpoint");
        SlotLayout served = r.findString("served").map(SlotLayout::parse).orElse(null);
        Update update = r.findObject("update")
                .map(u -> new Update(
                        u.getString("key"),
                        u.getString("token"),
                        u.getParsed("layout", SlotLayout::parse),
                        (int) u.getLong("pollsLeft", 0, Integer.MAX_VALUE),
                        u.getParsed("state", TargetOperation.State::valueOf),
                        u.getString("message")))
                .orElse(null);
        r.finish();
        return new Books(served, update);
    }

    /** Configures an {@link InMemoryDeploymentTarget}; each setting once. */
    public static final class Builder {
        private @Nullable ObjectStore store;
        private BiFunction<String, ModelRef, SlotMetrics> slotMetrics =
                (slot, model) -> new SlotMetrics(slot, 1_000_000, 0, Duration.ofMillis(1), Duration.ofMillis(1));
        private Predicate<ModelRef> failing = model -> false;
        private int pollsPerUpdate = 1;
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this InMemoryDeploymentTarget builder");
            }
        }

        /**
         * Keeps the books in this store (e.g. the lake), so they survive a restart.
         *
         * @param store the store
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder store(ObjectStore store) {
            once("store");
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the counters a slot reports to a canary's health gate (default: healthy, a million requests).
         *
         * @param metrics (slot, model) to counters
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder slotMetrics(BiFunction<String, ModelRef, SlotMetrics> metrics) {
            once("slotMetrics");
            this.slotMetrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Makes every update that names a model the predicate picks end failed, as a backend that cannot start it.
         *
         * @param models the models to fail
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder failing(Predicate<ModelRef> models) {
            once("failing");
            this.failing = Objects.requireNonNull(models, "models");
            return this;
        }

        /**
         * Sets how many polls an update takes before it ends; 1 by default, 0 for updates done at once.
         *
         * @param polls 0 or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        @CanIgnoreReturnValue
        public Builder pollsPerUpdate(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("pollsPerUpdate must be 0 or more, got " + polls);
            }
            once("pollsPerUpdate");
            this.pollsPerUpdate = polls;
            return this;
        }

        /** Builds the target. */
        public InMemoryDeploymentTarget build() {
            return new InMemoryDeploymentTarget(this);
        }
    }
}
