package org.mlops4j.serving;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.deploy.local.Scored;
import org.mlops4j.deploy.local.ScoringEndpoint;
import org.mlops4j.deploy.local.ScoringEndpoints;
import org.mlops4j.registry.ModelRef;

/** The seam, faked in a few lines: named endpoints whose scoring is a function of the rows; counts calls. */
final class FakeEndpoints implements ScoringEndpoints {
    private final Map<String, Fake> byName = new ConcurrentSkipListMap<>();

    /** An endpoint answering {@code 100 + x} per row from slot blue, model {@code <name>@1}. */
    @CanIgnoreReturnValue
    FakeEndpoints linear(String name) {
        return add(name, rows -> linear(name, rows));
    }

    @CanIgnoreReturnValue
    FakeEndpoints add(String name, Function<List<Map<String, Object>>, Scored> scorer) {
        byName.put(name, new Fake(name, scorer, new AtomicLong()));
        return this;
    }

    static Scored linear(String name, List<Map<String, Object>> rows) {
        List<Object> predictions = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Object x = row.get("x");
            if (!(x instanceof Number number)) {
                return new Scored(400, List.of(), "column 'x' must be a number", "blue", name + "@1");
            }
            predictions.add(100 + number.doubleValue());
        }
        return new Scored(200, predictions, null, "blue", name + "@1");
    }

    long calls(String name) {
        return byName.get(name).calls().get();
    }

    @Override
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public @Nullable ScoringEndpoint find(String name) {
        return byName.get(name);
    }

    private record Fake(String name, Function<List<Map<String, Object>>, Scored> scorer, AtomicLong calls)
            implements ScoringEndpoint {
        @Override
        public Scored score(List<Map<String, Object>> rows) {
            calls.incrementAndGet();
            return scorer.apply(rows);
        }

        @Override
        public List<SlotStatus> slots() {
            return List.of(new SlotStatus(
                    "blue",
                    new ModelRef(name, 1),
                    100,
                    0,
                    new SlotMetrics("blue", calls.get(), 0, Duration.ofMillis(2), Duration.ofMillis(3))));
        }
    }
}
