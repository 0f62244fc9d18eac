package org.mlops4j.compare;

import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRef;

/** Builds evaluations for tests. */
final class Fixtures {
    static final DatasetRef HOLDOUT = DatasetRef.parse("holdout@1");

    private Fixtures() {}

    static Evaluation eval(String model, Map<String, Double> metrics) {
        return Evaluation.builder(ModelRef.parse(model), HOLDOUT)
                .metrics(metrics)
                .build();
    }

    static Evaluation eval(String model, Outcomes outcomes) {
        return Evaluation.builder(ModelRef.parse(model), HOLDOUT)
                .outcomes(outcomes)
                .computeMetrics()
                .build();
    }

    static Evaluation eval(String model, DatasetRef dataset, @Nullable Outcomes outcomes) {
        Evaluation.Builder b = Evaluation.builder(ModelRef.parse(model), dataset);
        if (outcomes != null) {
            b.outcomes(outcomes).computeMetrics();
        }
        return b.build();
    }

    /**
     * Binary labels that depend on n only (so outcomes of the same size are paired); predictions right with the given
     * probability; scores informative.
     */
    static Outcomes classifier(long seed, int n, double accuracy) {
        SplittableRandom labels = new SplittableRandom(n);
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        double[] p = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.nextInt(2);
            boolean right = r.nextDouble() < accuracy;
            p[i] = right ? y[i] : 1 - y[i];
            double margin = 0.5 * r.nextDouble();
            s[i] = p[i] == 1 ? 0.5 + margin : 0.5 - margin;
        }
        return Outcomes.of(y, p).withScores(s);
    }
}
