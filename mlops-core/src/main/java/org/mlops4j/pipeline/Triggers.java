package org.mlops4j.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.drift.Column;
import org.mlops4j.drift.Columns;
import org.mlops4j.drift.DriftReport;
import org.mlops4j.drift.DriftRule;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelVersion;

/**
 * Builds {@link Trigger triggers}. Stateless and thread-safe. Example:
 *
 * <pre>{@code
 * Trigger trigger = Triggers.newVersionOf("churn-raw")
 *         .or(Triggers.drift("churn-raw", Drift.psi(0.2)))
 *         .or(Triggers.schedule(Duration.ofDays(7)));
 * }</pre>
 */
public final class Triggers {
    private Triggers() {}

    /**
     * Fires when a dataset has a version that the pipeline's last finished run did not consume (or it never ran).
     *
     * @param dataset the dataset's name
     * @return the trigger
     * @throws IllegalArgumentException if the name is invalid
     */
    public static Trigger newVersionOf(String dataset) {
        String name = DatasetRef.requireValidName(dataset);
        return new Named("newVersionOf(" + name + ")", List.of(name)) {
            @Override
            public Optional<TriggerEvent> evaluate(TriggerContext context) {
                Optional<DatasetVersion> latest =
                        context.getServices().datasets().findLatest(name);
                if (latest.isEmpty()) {
                    return Optional.empty();
                }
                OptionalLong consumed = context.findConsumed(name);
                if (consumed.isPresent() && consumed.getAsLong() >= latest.get().getNumber()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new TriggerEvent(toString(), List.of(latest.get().getRef()), "", List.of()));
            }
        };
    }

    /**
     * Fires when the newest version of a dataset drifted from the version the champion was trained on (its
     * {@link ModelInput#TRAIN} input of that name), comparing the CSV profiles both versions carry, and the last
     * finished run has not consumed the newest version yet. Without a champion, or when the champion was not trained
     * on this dataset, it does not fire: pair it with {@link #newVersionOf} for the first model.
     *
     * @param dataset the dataset's name
     * @param rule the drift rule, e.g. {@code Drift.psi(0.2)}
     * @return the trigger
     * @throws IllegalArgumentException if the name is invalid
     */
    public static Trigger drift(String dataset, DriftRule rule) {
        String name = DatasetRef.requireValidName(dataset);
        Objects.requireNonNull(rule, "rule");
        return new Named("drift(" + name + ", " + rule + ")", List.of(name)) {
            @Override
            public Optional<TriggerEvent> evaluate(TriggerContext context) {
                Datasets datasets = context.getServices().datasets();
                Optional<DatasetVersion> latest = datasets.findLatest(name);
                Optional<ModelAlias> champion = context.findChampion();
                if (latest.isEmpty() || champion.isEmpty()) {
                    return Optional.empty();
                }
                OptionalLong consumed = context.findConsumed(name);
                if (consumed.isPresent() && consumed.getAsLong() >= latest.get().getNumber()) {
                    return Optional.empty();
                }
                ModelVersion model =
                        context.getServices().registry().get(champion.get().ref());
                Optional<DatasetRef> reference = model.getInputs().stream()
                        .filter(i -> i.role().equals(ModelInput.TRAIN)
                                && i.dataset().name().equals(name))
                        .map(ModelInput::dataset)
                        .findFirst();
                if (reference.isEmpty() || reference.get().equals(latest.get().getRef())) {
                    return Optional.empty();
                }
                DatasetVersion before = datasets.get(reference.get());
                DriftReport report = rule.detect(columns(datasets, before), columns(datasets, latest.get()));
                if (!report.isDrifted()) {
                    return Optional.empty();
                }
                return Optional.of(new TriggerEvent(
                        toString(), List.of(latest.get().getRef()), "reference " + before.getRef(), List.of(report)));
            }
        };
    }

    /**
     * Fires once per period: when the last finished run was triggered before the start of the current period (periods
     * are counted from the epoch on the pipeline's clock), or never.
     *
     * @param period the period, positive
     * @return the trigger
     * @throws IllegalArgumentException if the period is not positive
     */
    public static Trigger schedule(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a schedule's period must be positive, got " + period);
        }
        return new Named("schedule(" + period + ")", List.of()) {
            @Override
            public Optional<TriggerEvent> evaluate(TriggerContext context) {
                long slot = Math.floorDiv(context.getNow().toEpochMilli(), period.toMillis());
                Instant slotStart = Instant.ofEpochMilli(slot * period.toMillis());
                Optional<Instant> last = context.findLastRunAt();
                if (last.isPresent() && !last.get().isBefore(slotStart)) {
                    return Optional.empty();
                }
                return Optional.of(new TriggerEvent(toString(), List.of(), "slot " + slotStart, List.of()));
            }
        };
    }

    /**
     * Never fires by itself: runs start only through {@link RetrainingPipeline#run()}.
     *
     * @return the trigger
     */
    public static Trigger manual() {
        return new Named("manual", List.of()) {
            @Override
            public Optional<TriggerEvent> evaluate(TriggerContext context) {
                return Optional.empty();
            }
        };
    }

    /** Reads the columns of every CSV profile of a version, prefixed by the file's path when there are several. */
    private static List<Column> columns(Datasets datasets, DatasetVersion version) {
        List<Column> columns = new ArrayList<>();
        boolean prefix = version.getProfiles().size() > 1;
        for (String path : version.getProfiles().keySet()) {
            Optional<TableProfile> profile = datasets.findProfile(version, path);
            if (profile.isPresent()) {
                columns.addAll(Columns.fromProfile(profile.get(), prefix ? path + ":" : ""));
            }
        }
        return columns;
    }

    /** A trigger with a fixed description and datasets. */
    private abstract static class Named implements Trigger {
        private final String description;
        private final List<String> datasets;

        Named(String description, List<String> datasets) {
            this.description = description;
            this.datasets = List.copyOf(datasets);
        }

        @Override
        public List<String> datasets() {
            return datasets;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Two triggers joined by {@code or} / {@code and}. */
    static final class Combined implements Trigger {
        private final Trigger left;
        private final Trigger right;
        private final boolean both;

        Combined(Trigger left, Trigger right, boolean both) {
            this.left = Objects.requireNonNull(left, "left");
            this.right = Objects.requireNonNull(right, "right");
            this.both = both;
        }

        @Override
        public Optional<TriggerEvent> evaluate(TriggerContext context) {
            // Both sides are always evaluated, so that the event (and the run id) does not depend on evaluation order.
            Optional<TriggerEvent> a = left.evaluate(context);
            Optional<TriggerEvent> b = right.evaluate(context);
            if (a.isPresent() && b.isPresent()) {
                return Optional.of(a.get().join(b.get(), both ? " and " : " or "));
            }
            return both ? Optional.empty() : a.isPresent() ? a : b;
        }

        @Override
        public List<String> datasets() {
            LinkedHashSet<String> names = new LinkedHashSet<>(left.datasets());
            names.addAll(right.datasets());
            return List.copyOf(names);
        }

        @Override
        public String toString() {
            return "(" + left + (both ? " and " : " or ") + right + ")";
        }
    }
}
