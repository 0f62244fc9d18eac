package org.mlops4j.compare;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.ModelRef;

/**
 * The outcome of a comparison: a {@link Decision} and one {@link Finding} per rule, in the policy's order.
 *
 * <p>Immutable and thread-safe; {@link #toString()} is meant for logs:
 *
 * <pre>
 * REJECT churn@8 over churn@7
 *   [pass] metric auc higher is better: challenger 0.8120 vs champion 0.8010, gain +0.0110; needs ≥ 0.7; gain ≥ +0.005
 *   [FAIL] metric latency_p95_ms lower is better: challenger 55 vs champion 41, gain -14; needs relative loss ≤ 10%
 * </pre>
 *
 * Example:
 *
 * <pre>{@code
 * Verdict verdict = policy.compare(champion, challenger);
 * switch (verdict.getDecision()) {
 *     case PROMOTE -> registry.setAlias("churn", "champion", challenger.getModel());
 *     case REJECT -> log.info("{}", verdict);
 *     case INCONCLUSIVE -> log.info("need more data: {}", verdict);
 * }
 * }</pre>
 */
public final class Verdict {
    private final Decision decision;
    private final List<Finding> findings;
    private final @Nullable ModelRef champion;
    private final ModelRef challenger;

    Verdict(Decision decision, List<Finding> findings, @Nullable ModelRef champion, ModelRef challenger) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.findings = List.copyOf(findings);
        this.champion = champion;
        this.challenger = Objects.requireNonNull(challenger, "challenger");
    }

    static Verdict single(Finding finding, @Nullable Evaluation champion, Evaluation challenger) {
        return new Verdict(
                finding.decision(),
                List.of(finding),
                champion == null ? null : champion.getModel(),
                challenger.getModel());
    }

    /** Returns the decision. */
    public Decision getDecision() {
        return decision;
    }

    /** Returns whether the decision is {@link Decision#PROMOTE}. */
    public boolean isPromote() {
        return decision == Decision.PROMOTE;
    }

    /** Returns one finding per rule, in the policy's order. */
    public List<Finding> getFindings() {
        return findings;
    }

    /** Returns the champion's model version, or empty if there was none. */
    public Optional<ModelRef> getChampion() {
        return Optional.ofNullable(champion);
    }

    /** Returns the challenger's model version. */
    public ModelRef getChallenger() {
        return challenger;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder()
                .append(decision)
                .append(' ')
                .append(challenger)
                .append(champion == null ? " (no champion)" : " over " + champion);
        for (Finding f : findings) {
            s.append("\n  ").append(f);
        }
        return s.toString();
    }
}
