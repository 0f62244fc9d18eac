package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of comparison policies: 1,000 examples each; n ≤ 1,000 and 200 resamples inside. */
class ComparisonPropertiesTest {
    private static final int EXAMPLES = 1_000;
    private static final int RESAMPLES = 200;
    private static final Gen<Integer> SIZES = integers().between(100, 1_000);
    private static final Gen<Long> SEEDS = longs().all();

    /** A metric rule drawn from a seed; bounds lie on the "better" side, as thresholds do. */
    private static MetricRule rule(long config, boolean higherIsBetter, boolean negateBounds) {
        SplittableRandom r = new SplittableRandom(config);
        MetricDirectionStep step = Policies.metric("m");
        MetricRule rule = higherIsBetter ? step.higherIsBetter() : step.lowerIsBetter();
        double sign = negateBounds ? -1 : 1;
        if (r.nextBoolean()) {
            double bound = sign * (r.nextDouble() * 20 - 10);
            rule = (higherIsBetter ? rule.atLeast(bound) : rule.atMost(bound));
        }
        switch (r.nextInt(3)) {
            case 0:
                rule = rule.minAbsoluteGain(r.nextDouble() * 2 - 1);
                break;
            case 1:
                rule = rule.maxAbsoluteLoss(r.nextDouble());
                break;
            default:
                break;
        }
        switch (r.nextInt(3)) {
            case 0:
                rule = rule.minRelativeGain(r.nextDouble() - 0.5);
                break;
            case 1:
                rule = rule.maxRelativeLoss(r.nextDouble() * 0.5);
                break;
            default:
                break;
        }
        return rule;
    }

    private static Decision decide(ComparisonPolicy rule, double champion, double challenger) {
        return rule.compare(Fixtures.eval("m@1", Map.of("m", champion)), Fixtures.eval("m@2", Map.of("m", challenger)))
                .getDecision();
    }

    private static double zeroSometimes(double value) {
        return Math.abs(value) < 1 ? 0 : value; // about one in ten champions is a zero baseline
    }

    @Test
    void shouldNeverTurnPromoteIntoRejectWhenChallengerMetricImproves() {
        qt().withExamples(EXAMPLES)
                .forAll(
                        SEEDS,
                        doubles().between(-10, 10),
                        doubles().between(-10, 10),
                        doubles().between(0, 5))
                .checkAssert((config, champion, challenger, improvement) -> {
                    boolean higher = (config & 1) == 0;
                    MetricRule rule = rule(config, higher, false);
                    double better = higher ? challenger + improvement : challenger - improvement;
                    Decision before = decide(rule, zeroSometimes(champion), challenger);
                    Decision after = decide(rule, zeroSometimes(champion), better);
                    if (before == Decision.PROMOTE) {
                        assertThat(after)
                                .as("%s: %s -> %s", rule, challenger, better)
                                .isEqualTo(Decision.PROMOTE);
                    }
                });
    }

    @Test
    void shouldNeverTurnPromoteIntoRejectWhenChallengerFixesExamples() {
        qt().withExamples(EXAMPLES)
                .forAll(SIZES, SEEDS, integers().between(1, 50), integers().between(0, 1))
                .checkAssert((n, seed, fixes, method) -> {
                    Outcomes champion = Fixtures.classifier(seed, n, 0.8);
                    Outcomes challenger = Fixtures.classifier(seed + 1, n, 0.82);
                    double[] y = challenger.getLabels();
                    double[] p = challenger.getPredictions();
                    for (int i = 0, fixed = 0; i < n && fixed < fixes; i++) {
                        if (p[i] != y[i]) {
                            p[i] = y[i];
                            fixed++;
                        }
                    }
                    SignificanceRule rule = method == 0
                            ? Policies.significantGain("accuracy").pairedBootstrap(RESAMPLES)
                            : Policies.significantGain("accuracy").mcNemar();
                    Evaluation a = Fixtures.eval("m@1", champion);
                    Decision before =
                            rule.compare(a, Fixtures.eval("m@2", challenger)).getDecision();
                    Decision after = rule.compare(a, Fixtures.eval("m@2", Outcomes.of(y, p)))
                            .getDecision();
                    if (before == Decision.PROMOTE) {
                        assertThat(after).as("%s", rule).isEqualTo(Decision.PROMOTE);
                    }
                    if (after == Decision.REJECT) {
                        assertThat(before).as("%s", rule).isEqualTo(Decision.REJECT);
                    }
                });
    }

    @Test
    void shouldGiveTheSameVerdictWhenDirectionIsFlippedAndValuesNegated() {
        qt().withExamples(EXAMPLES)
                .forAll(
                        SEEDS,
                        doubles().between(-10, 10),
                        doubles().between(-10, 10),
                        integers().between(0, 1))
                .checkAssert((config, champion, challenger, direction) -> {
                    boolean higher = direction == 0;
                    double c = zeroSometimes(champion);
                    assertThat(decide(rule(config, !higher, true), -c, -challenger))
                            .isEqualTo(decide(rule(config, higher, false), c, challenger));
                });
    }

    @Test
    void shouldGiveTheSameSignificanceVerdictWhenDirectionIsFlippedAndValuesNegated() {
        ExampleMetric right = ExampleMetric.mean("right", true, (y, p, s) -> y == p ? 1 : 0);
        ExampleMetric wrong = ExampleMetric.mean("negated", false, (y, p, s) -> y == p ? -1 : 0);
        ExampleMetric squared = ExampleMetric.mean("sq", false, (y, p, s) -> (s - y) * (s - y));
        ExampleMetric negSquared = ExampleMetric.mean("negsq", true, (y, p, s) -> -(s - y) * (s - y));
        qt().withExamples(EXAMPLES)
                .forAll(SIZES, SEEDS, SEEDS, integers().between(0, 1))
                .checkAssert((n, seed, bootSeed, which) -> {
                    Evaluation a = Fixtures.eval("m@1", Fixtures.classifier(seed, n, 0.8));
                    Evaluation b = Fixtures.eval("m@2", Fixtures.classifier(seed + 7, n, 0.83));
                    ExampleMetric m = which == 0 ? right : squared;
                    ExampleMetric flipped = which == 0 ? wrong : negSquared;
                    Finding f1 = Policies.significantGain(m)
                            .pairedBootstrap(RESAMPLES)
                            .seed(bootSeed)
                            .compare(a, b)
                            .getFindings()
                            .get(0);
                    Finding f2 = Policies.significantGain(flipped)
                            .pairedBootstrap(RESAMPLES)
                            .seed(bootSeed)
                            .compare(a, b)
                            .getFindings()
                            .get(0);
                    assertThat(f2.decision()).isEqualTo(f1.decision());
                    assertThat(f2.lower()).isEqualTo(f1.lower());
                    assertThat(f2.upper()).isEqualTo(f1.upper());
                });
    }

    @Test
    void shouldNeverPromoteAModelOverItselfWhenTestingSignificance() {
        SignificanceRule[] rules = {
            Policies.significantGain("accuracy").pairedBootstrap(RESAMPLES),
            Policies.significantGain("auc").pairedBootstrap(RESAMPLES),
            Policies.significantGain("log_loss").pairedBootstrap(RESAMPLES),
            Policies.significantGain("mse").pairedBootstrap(RESAMPLES),
            Policies.significantGain("accuracy").mcNemar()
        };
        qt().withExamples(EXAMPLES)
                .forAll(
                        SIZES,
                        SEEDS,
                        integers().between(0, rules.length - 1),
                        doubles().between(0.3, 1))
                .checkAssert((n, seed, which, accuracy) -> {
                    Outcomes same = Fixtures.classifier(seed, n, accuracy);
                    Verdict v = rules[which].compare(Fixtures.eval("m@1", same), Fixtures.eval("m@2", same));
                    assertThat(v.getDecision()).as("%s", v).isNotEqualTo(Decision.PROMOTE);
                });
    }

    @Test
    void shouldGiveTheSameVerdictWhenSeedIsFixed() {
        qt().withExamples(EXAMPLES)
                .forAll(SIZES, SEEDS, SEEDS, integers().between(0, 1))
                .checkAssert((n, seed, bootSeed, which) -> {
                    Evaluation a = Fixtures.eval("m@1", Fixtures.classifier(seed, n, 0.8));
                    Evaluation b = Fixtures.eval("m@2", Fixtures.classifier(seed + 3, n, 0.82));
                    SignificanceRule rule = Policies.significantGain(which == 0 ? "accuracy" : "auc")
                            .pairedBootstrap(RESAMPLES)
                            .seed(bootSeed);
                    Verdict first = rule.compare(a, b);
                    Verdict second = rule.compare(a, b);
                    assertThat(second.getDecision()).isEqualTo(first.getDecision());
                    assertThat(second.getFindings()).isEqualTo(first.getFindings());
                });
    }
}
