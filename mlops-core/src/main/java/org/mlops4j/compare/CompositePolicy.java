package org.mlops4j.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@code allOf} / {@code anyOf}: every rule runs and reports its findings; the decisions are combined. */
final class CompositePolicy implements ComparisonPolicy {
    private final boolean all;
    private final List<ComparisonPolicy> rules;

    CompositePolicy(boolean all, List<ComparisonPolicy> rules) {
        this.all = all;
        this.rules = List.copyOf(rules);
        if (this.rules.isEmpty()) {
            throw new IllegalArgumentException((all ? "allOf" : "anyOf") + " needs at least one rule, got none");
        }
    }

    @Override
    public Verdict compare(@Nullable Evaluation champion, Evaluation challenger) {
        Objects.requireNonNull(challenger, "challenger");
        List<Decision> decisions = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (ComparisonPolicy rule : rules) {
            Verdict v = rule.compare(champion, challenger);
            decisions.add(v.getDecision());
            findings.addAll(v.getFindings());
        }
        Decision decision = all ? Decision.all(decisions) : Decision.any(decisions);
        return new Verdict(decision, findings, champion == null ? null : champion.getModel(), challenger.getModel());
    }

    @Override
    public String toString() {
        return (all ? "allOf" : "anyOf") + rules;
    }
}
