package org.mlops4j.compare;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A rule that promotes only a significant gain on per-example outcomes: the lower end of the two-sided (1 − α)
 * interval of the gain must be above zero, so a challenger that is no better is promoted with probability at most
 * α/2 (2.5% at the default 95% confidence). A significant loss (the upper end below zero) rejects; anything else is
 * {@link Decision#INCONCLUSIVE}.
 *
 * <p>Two methods:
 *
 * <ul>
 *   <li>{@link #pairedBootstrap(int)} (the default, with 2,000 resamples): any {@link ExampleMetric}; see
 *       {@link PairedBootstrap};
 *   <li>{@link #mcNemar()}: McNemar's exact test for classifiers' accuracy (or error rate), with the Clopper–Pearson
 *       interval of the gain; no resampling.
 * </ul>
 *
 * <p>Both evaluations need per-example outcomes on the same dataset version; otherwise, or below the minimum sample
 * size (default 100 examples), the rule is inconclusive. A metric that is defined by class
 * ({@link ExampleMetric#isClassConditional()}, such as AUC) also needs a minimum number of examples of each class
 * (default {@value #DEFAULT_MIN_PER_CLASS}; see {@link #minPerClass(int)}), and the finding says how many more are
 * needed. With no champion the rule does not apply and passes.
 *
 * <p>Immutable and thread-safe; each setter returns a new rule and may be called once. Example:
 *
 * <pre>{@code
 * SignificanceRule rule = Policies.significantGain("auc").pairedBootstrap(2_000).confidence(0.95).seed(7);
 * }</pre>
 */
public final class SignificanceRule implements ComparisonPolicy {
    private static final int DEFAULT_MIN_SAMPLE_SIZE = 100;

    /**
     * The default minimum number of examples of each class for a class-conditional metric such as AUC. Measured by
     * {@code AucMinimumPerClassSimulation} (test sources): binormal scores with population AUC 0.753 for both models,
     * score noise correlated 0.75, 2,000 resamples, 95%, 2,000 pairs per point, 99% band around the stated 2.5% =
     * [33, 69] promotions. Share of no-better challengers promoted, at prevalence 0.1 / 0.02: 15 positives 3.85% /
     * 3.55%; 20: 3.30% / 3.50%; 30: 2.40% / 3.75%; 40: 3.10% / 3.50% (70, above the band); 50: 2.80% / 3.40% (68, at
     * its edge); 60: 2.70% / 2.60%; 80: 3.00% / 2.80%; 100: 3.15% / 2.30%. From 60 on every point lies inside the band
     * with room; the percentile interval stays slightly generous (about 2.8%) at any size.
     */
    public static final int DEFAULT_MIN_PER_CLASS = 60;

    private final ExampleMetric metric;
    private final boolean mcNemar;
    private final @Nullable Integer resamples;
    private final @Nullable Double confidence;
    private final @Nullable Long seed;
    private final @Nullable Integer minSampleSize;
    private final @Nullable Integer minPerClass;

    private SignificanceRule(
            ExampleMetric metric,
            boolean mcNemar,
            @Nullable Integer resamples,
            @Nullable Double confidence,
            @Nullable Long seed,
            @Nullable Integer minSampleSize,
            @Nullable Integer minPerClass) {
        this.metric = metric;
        this.mcNemar = mcNemar;
        this.resamples = resamples;
        this.confidence = confidence;
        this.seed = seed;
        this.minSampleSize = minSampleSize;
        this.minPerClass = minPerClass;
    }

    static SignificanceRule of(ExampleMetric metric) {
        return new SignificanceRule(Objects.requireNonNull(metric, "metric"), false, null, null, null, null, null);
    }

    /**
     * Uses the paired bootstrap with a number of resamples.
     *
     * @param count the number of resamples, at least 10
     * @return a new rule
     * @throws IllegalArgumentException if the count is below 10
     * @throws IllegalStateException if a method was already chosen
     */
    public SignificanceRule pairedBootstrap(int count) {
        requireNoMethod();
        Integer checked = PairedBootstrap.of(metric).resamples(count).getResamples();
        return new SignificanceRule(metric, false, checked, confidence, seed, minSampleSize, minPerClass);
    }

    /**
     * Uses McNemar's exact test, for classifiers' {@code accuracy} or {@code error_rate}.
     *
     * @return a new rule
     * @throws IllegalArgumentException if the metric is not accuracy or error rate
     * @throws IllegalStateException if a method was already chosen
     */
    public SignificanceRule mcNemar() {
        requireNoMethod();
        if (metric != MeanMetric.ACCURACY && metric != MeanMetric.ERROR_RATE) {
            throw new IllegalArgumentException("McNemar's test compares classifiers' accuracy or error rate, not '"
                    + metric.name() + "': use pairedBootstrap(...) for other metrics");
        }
        return new SignificanceRule(metric, true, null, confidence, seed, minSampleSize, minPerClass);
    }

    /**
     * Sets the confidence (1 − α) of the two-sided interval; the default is 0.95.
     *
     * @param level strictly between 0 and 1
     * @return a new rule
     * @throws IllegalArgumentException if the level is not strictly between 0 and 1
     * @throws IllegalStateException if the confidence was already set
     */
    public SignificanceRule confidence(double level) {
        if (confidence != null) {
            throw new IllegalStateException("confidence is already set to " + confidence + " on this rule");
        }
        return new SignificanceRule(
                metric, mcNemar, resamples, PairedBootstrap.requireConfidence(level), seed, minSampleSize, minPerClass);
    }

    /**
     * Sets the bootstrap's seed; the default is {@link PairedBootstrap#DEFAULT_SEED}, so verdicts are reproducible.
     *
     * @param value the seed
     * @return a new rule
     * @throws IllegalStateException if the seed was already set
     */
    public SignificanceRule seed(long value) {
        if (seed != null) {
            throw new IllegalStateException("seed is already set to " + seed + " on this rule");
        }
        return new SignificanceRule(metric, mcNemar, resamples, confidence, value, minSampleSize, minPerClass);
    }

    /**
     * Sets the minimum number of paired examples below which the rule is inconclusive; the default is 100.
     *
     * @param examples at least 1
     * @return a new rule
     * @throws IllegalArgumentException if {@code examples} is below 1
     * @throws IllegalStateException if the minimum was already set
     */
    public SignificanceRule minSampleSize(int examples) {
        if (minSampleSize != null) {
            throw new IllegalStateException("minSampleSize is already set to " + minSampleSize + " on this rule");
        }
        if (examples < 1) {
            throw new IllegalArgumentException("minSampleSize must be at least 1, got " + examples);
        }
        return new SignificanceRule(metric, mcNemar, resamples, confidence, seed, examples, minPerClass);
    }

    /**
     * Sets the minimum number of examples of each class (label 0 and label 1) below which a rule on a
     * class-conditional metric ({@link ExampleMetric#isClassConditional()}, such as AUC) is inconclusive; the default
     * is {@value #DEFAULT_MIN_PER_CLASS}. Other metrics ignore it. With fewer examples of the minority class the bootstrap
     * interval of an AUC gain is too narrow, and a no-better challenger is promoted more often than the stated α/2
     * (3.3% to 3.9% at 15 to 20 positives).
     *
     * @param examples at least 1
     * @return a new rule
     * @throws IllegalArgumentException if {@code examples} is below 1
     * @throws IllegalStateException if the minimum was already set
     */
    public SignificanceRule minPerClass(int examples) {
        if (minPerClass != null) {
            throw new IllegalStateException("minPerClass is already set to " + minPerClass + " on this rule");
        }
        if (examples < 1) {
            throw new IllegalArgumentException("minPerClass must be at least 1, got " + examples);
        }
        return new SignificanceRule(metric, mcNemar, resamples, confidence, seed, minSampleSize, examples);
    }

    private void requireNoMethod() {
        if (mcNemar || resamples != null) {
            throw new IllegalStateException("the method is already chosen: " + method());
        }
    }

    private double level() {
        return confidence == null ? 0.95 : confidence;
    }

    private String method() {
        return mcNemar
                ? "McNemar's exact test"
                : "paired bootstrap (" + (resamples == null ? 2_000 : resamples) + " resamples)";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the two evaluations' outcomes on the same dataset version differ in size or
     *     labels
     */
    @Override
    public Verdict compare(@Nullable Evaluation champion, Evaluation challenger) {
        Objects.requireNonNull(challenger, "challenger");
        return Verdict.single(evaluate(champion, challenger), champion, challenger);
    }

    private Finding evaluate(@Nullable Evaluation champion, Evaluation challenger) {
        String threshold = "lower end of the two-sided " + Finding.fmt(level() * 100) + "% interval of the gain > 0";
        if (champion == null) {
            return withoutValues(Decision.PROMOTE, threshold, "no champion: the rule does not apply");
        }
        Optional<Outcomes> champ = champion.findOutcomes();
        Optional<Outcomes> chal = challenger.findOutcomes();
        if (champ.isEmpty() || chal.isEmpty()) {
            return withoutValues(
                    Decision.INCONCLUSIVE,
                    threshold,
                    "needs per-example outcomes of both models; missing for "
                            + (champ.isEmpty() ? "the champion " + champion.getModel() : "")
                            + (champ.isEmpty() && chal.isEmpty() ? " and " : "")
                            + (chal.isEmpty() ? "the challenger " + challenger.getModel() : ""));
        }
        if (!champion.getDataset().equals(challenger.getDataset())) {
            return withoutValues(
                    Decision.INCONCLUSIVE,
                    threshold,
                    "a paired test needs both models evaluated on the same dataset version: the champion was evaluated on "
                            + champion.getDataset() + ", the challenger on " + challenger.getDataset());
        }
        Outcomes a = champ.get();
        Outcomes b = chal.get();
        Outcomes.requirePaired(a, b);
        int min = minSampleSize == null ? DEFAULT_MIN_SAMPLE_SIZE : minSampleSize;
        if (b.size() < min) {
            return withoutValues(
                    Decision.INCONCLUSIVE,
                    threshold + "; n ≥ " + min,
                    "only " + b.size() + " paired examples, fewer than the minimum sample size " + min);
        }
        if (metric.isClassConditional()) {
            Finding shortfall = classShortfall(b, threshold);
            if (shortfall != null) {
                return shortfall;
            }
        }
        if (mcNemar) {
            McNemar.Result r = McNemar.test(a.labels(), a.predictions(), b.predictions(), 1 - level());
            double sign = metric.isHigherBetter() ? 1 : -1;
            double champAcc = 1.0 * (countRight(a)) / r.n();
            double chalAcc = 1.0 * (countRight(b)) / r.n();
            double champValue = sign > 0 ? champAcc : 1 - champAcc;
            double chalValue = sign > 0 ? chalAcc : 1 - chalAcc;
            return finding(
                    decide(r.lowerGain(), r.upperGain()),
                    champValue,
                    chalValue,
                    (double) (r.onlyChallenger() - r.onlyChampion()) / r.n(),
                    r.lowerGain(),
                    r.upperGain(),
                    r.pValue(),
                    threshold,
                    method() + ": " + r.onlyChallenger() + " examples only the challenger got right, "
                            + r.onlyChampion() + " only the champion, of " + r.n());
        }
        BootstrapResult r = PairedBootstrap.of(metric)
                .resamples(resamples == null ? 2_000 : resamples)
                .confidence(level())
                .seed(seed == null ? PairedBootstrap.DEFAULT_SEED : seed)
                .run(a, b);
        String detail = method() + " of " + r.examples() + " paired examples, seed " + r.seed();
        if (Double.isNaN(r.lower())) {
            detail += "; the metric was undefined on some resamples (one class only?)";
        }
        return finding(
                decide(r.lower(), r.upper()),
                r.champion(),
                r.challenger(),
                r.gain(),
                r.lower(),
                r.upper(),
                null,
                threshold,
                detail);
    }

    /** Returns an inconclusive finding when a class has fewer examples than the minimum, else null. */
    private @Nullable Finding classShortfall(Outcomes outcomes, String threshold) {
        int perClass = minPerClass == null ? DEFAULT_MIN_PER_CLASS : minPerClass;
        double[] y = outcomes.labels();
        int positives = 0;
        for (double label : y) {
            if (label == 1) {
                positives++;
            }
        }
        int negatives = y.length - positives;
        int fewer = Math.min(positives, negatives);
        if (fewer >= perClass) {
            return null;
        }
        String minority = positives <= negatives ? "positive (label 1)" : "negative (label 0)";
        int missing = perClass - fewer;
        String more = missing + " more " + minority + " examples";
        if (fewer > 0) {
            // at the observed class share, that many more of the minority class come with this many examples in all
            long total = (long) Math.ceil((double) missing * y.length / fewer);
            more += " (about " + total + " more examples at the observed share of "
                    + Finding.fmt(100.0 * fewer / y.length) + "%)";
        }
        return withoutValues(
                Decision.INCONCLUSIVE,
                threshold + "; ≥ " + perClass + " examples of each class",
                metric.name() + " is defined by class and needs at least " + perClass + " examples of each class: "
                        + positives + " positive and " + negatives + " negative; " + more + " are needed");
    }

    private static int countRight(Outcomes o) {
        double[] y = o.labels();
        double[] p = o.predictions();
        int right = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == p[i]) {
                right++;
            }
        }
        return right;
    }

    private static Decision decide(double lower, double upper) {
        if (lower > 0) {
            return Decision.PROMOTE;
        }
        if (upper < 0) {
            return Decision.REJECT;
        }
        return Decision.INCONCLUSIVE;
    }

    /** A finding that decided before any statistic was computed (no champion, no outcomes, too few examples). */
    private Finding withoutValues(Decision decision, String threshold, String detail) {
        return finding(decision, null, null, null, null, null, null, threshold, detail);
    }

    private Finding finding(
            Decision decision,
            @Nullable Double champion,
            @Nullable Double challenger,
            @Nullable Double delta,
            @Nullable Double lower,
            @Nullable Double upper,
            @Nullable Double pValue,
            String threshold,
            String detail) {
        return new Finding(
                toString(),
                metric.name(),
                decision,
                champion,
                challenger,
                delta,
                lower,
                upper,
                pValue,
                threshold,
                detail);
    }

    @Override
    public String toString() {
        return "significant gain in " + metric.name() + " by " + method();
    }
}
