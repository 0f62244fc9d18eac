package org.mlops4j.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;

/**
 * Which way each metric improves, so that the report can orient gains and flag regressions. Sources, strongest first:
 * what the report's builder was told, the comparison's findings (a finding's gain is oriented so that positive is
 * better), and the standard metrics that {@link org.mlops4j.compare.Metrics} computes, also behind a training
 * library's prefix such as {@code train_} or {@code val_}. A metric none of them covers has
 * no direction, and the report shows its plain difference.
 */
final class Directions {
    private static final Map<String, Boolean> STANDARD = Map.ofEntries(
            Map.entry("accuracy", true),
            Map.entry("precision", true),
            Map.entry("recall", true),
            Map.entry("f1", true),
            Map.entry("auc", true),
            Map.entry("r2", true),
            Map.entry("log_loss", false),
            Map.entry("loss", false),
            Map.entry("brier", false),
            Map.entry("mse", false),
            Map.entry("rmse", false),
            Map.entry("mae", false),
            Map.entry("error_rate", false));

    /** Prefixes that training libraries put before a standard metric's name ({@code train_accuracy}, Keras' {@code val_loss}). */
    private static final List<String> PREFIXES =
            List.of("train_", "training_", "val_", "validation_", "test_", "eval_", "holdout_");

    private final Map<String, Boolean> higherIsBetter = new HashMap<>(STANDARD);

    Directions(Map<String, Boolean> told, @Nullable Verdict verdict) {
        if (verdict != null) {
            for (Finding f : verdict.getFindings()) {
                fromFinding(f).ifPresent(higher -> higherIsBetter.put(f.metric(), higher));
            }
        }
        higherIsBetter.putAll(told);
    }

    /** Returns whether a higher value of the metric is better, or empty if the report does not know. */
    Optional<Boolean> higherIsBetter(String metric) {
        Boolean known = higherIsBetter.get(metric);
        for (int i = 0; known == null && i < PREFIXES.size(); i++) {
            if (metric.startsWith(PREFIXES.get(i))) {
                known = STANDARD.get(metric.substring(PREFIXES.get(i).length()));
            }
        }
        return Optional.ofNullable(known);
    }

    /**
     * Returns the gain of {@code challenger} over {@code champion}, positive when better, or empty without a direction.
     */
    Optional<Double> gain(String metric, double champion, double challenger) {
        return higherIsBetter(metric).map(higher -> higher ? challenger - champion : champion - challenger);
    }

    /** The finding's orientation: from its numbers when they differ, else from its rule's words. */
    private static Optional<Boolean> fromFinding(Finding f) {
        Double a = f.champion();
        Double b = f.challenger();
        Double delta = f.delta();
        if (a != null && b != null && delta != null && b.doubleValue() != a.doubleValue() && delta != 0) {
            return Optional.of(Math.signum(delta) == Math.signum(b - a));
        }
        if (f.rule().contains("higher is better")) {
            return Optional.of(true);
        }
        if (f.rule().contains("lower is better")) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    /** The arrow and words for a metric's direction. */
    String describe(String metric) {
        return higherIsBetter(metric)
                .map(higher -> higher ? "↑ higher is better" : "↓ lower is better")
                .orElse("direction not known");
    }
}
