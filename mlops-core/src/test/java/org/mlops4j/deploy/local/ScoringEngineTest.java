package org.mlops4j.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.registry.ModelRef;

/** The local target's engine through the scoring seam an HTTP front reads, with no HTTP and no lake. */
class ScoringEngineTest {
    private static final ModelRef ONE = ModelRef.parse("m@1");
    private static final ModelRef TWO = ModelRef.parse("m@2");

    private final ScoringEngine engine = new ScoringEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private void serve(SlotLayout layout, Map<ModelRef, Predictor> predictors) {
        engine.serve("e", layout, ref -> new LoadedModel(ref, predictors.get(ref)));
    }

    private static List<Map<String, Object>> rows(int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Map.of("x", i));
        }
        return rows;
    }

    private ScoringEndpoint endpoint() {
        ScoringEndpoint endpoint = engine.find("e");
        assertThat(endpoint).isNotNull();
        return endpoint;
    }

    @Test
    void shouldAnswerWithSlotAndModelWhenScored() {
        serve(SlotLayout.of(new TargetSlot("blue", ONE, 100, 0)), Map.of(ONE, rows -> List.of(1.5, "yes")));

        Scored scored = endpoint().score(rows(2));

        assertThat(scored.status()).isEqualTo(200);
        assertThat(scored.predictions()).containsExactly(1.5, "yes");
        assertThat(scored.error()).isNull();
        assertThat(scored.slot()).isEqualTo("blue");
        assertThat(scored.model()).isEqualTo("m@1");
        assertThat(engine.names()).containsExactly("e");
        assertThat(engine.find("other")).isNull();
        assertThat(endpoint().slots()).extracting(s -> s.metrics().requests()).containsExactly(1L);
    }

    @Test
    void shouldAnswer400AndCountNoErrorWhenTheModelRejectsTheRows() {
        serve(SlotLayout.of(new TargetSlot("blue", ONE, 100, 0)), Map.of(ONE, rows -> {
            throw new IllegalArgumentException("row 0 column 'x' must be a number");
        }));

        Scored scored = endpoint().score(rows(1));

        assertThat(scored.status()).isEqualTo(400);
        assertThat(scored.error()).isEqualTo("row 0 column 'x' must be a number");
        assertThat(scored.predictions()).isEmpty();
        assertThat(endpoint().slots().get(0).metrics().errors()).isZero();
    }

    @Test
    void shouldAnswer500NamingTheRowWhenAPredictionIsNotFinite() {
        serve(
                SlotLayout.of(new TargetSlot("blue", ONE, 100, 0)),
                Map.of(ONE, rows -> List.of(1.0, List.of(2.0, Double.POSITIVE_INFINITY))));

        Scored scored = endpoint().score(rows(2));

        assertThat(scored.status()).isEqualTo(500);
        assertThat(scored.error()).startsWith("model m@1 returned a non-finite number (Infinity) for row 1");
        assertThat(scored.slot()).isEqualTo("blue");
        assertThat(endpoint().slots().get(0).metrics().errors()).isEqualTo(1);
    }

    @Test
    void shouldAnswer500WhenTheModelReturnsTheWrongNumberOfPredictionsOrNoJson() {
        serve(
                SlotLayout.of(new TargetSlot("blue", ONE, 50, 0), new TargetSlot("green", TWO, 50, 0)),
                Map.of(ONE, rows -> List.of(1.0), TWO, rows -> List.of(new Object(), new Object())));

        List<String> errors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Scored scored = endpoint().score(rows(2));
            assertThat(scored.status()).isEqualTo(500);
            errors.add(scored.error());
        }

        assertThat(errors)
                .anySatisfy(e -> assertThat(e).isEqualTo("model m@1 returned 1 predictions for 2 rows"))
                .anySatisfy(e -> assertThat(e).startsWith("model m@2 returned a java.lang.Object, which is not JSON"));
    }

    @Test
    void shouldScoreShadowCopiesOffTheAnswerAndCountThemOnTheShadowSlot() {
        serve(
                SlotLayout.of(new TargetSlot("blue", ONE, 100, 0), new TargetSlot("green", TWO, 0, 50)),
                Map.of(ONE, rows -> List.of(1.0), TWO, rows -> {
                    throw new IllegalStateException("broken");
                }));

        for (int i = 0; i < 100; i++) {
            assertThat(endpoint().score(rows(1)).slot()).isEqualTo("blue");
        }
        assertThat(engine.awaitShadows(Duration.ofSeconds(30))).isTrue();

        List<SlotStatus> slots = endpoint().slots();
        assertThat(slots).extracting(s -> s.metrics().requests()).containsExactly(100L, 50L);
        assertThat(slots).extracting(s -> s.metrics().errors()).containsExactly(0L, 50L);
    }

    @Test
    void shouldCountASlotsHealthFromItsLastShareChangeAndKeepItsPredictor() {
        List<String> closed = new ArrayList<>();
        Predictor one = new Predictor() {
            @Override
            public List<Object> predict(List<Map<String, Object>> rows) {
                return List.of(1.0);
            }

            @Override
            public void close() {
                closed.add("m@1");
            }
        };
        serve(SlotLayout.of(new TargetSlot("blue", ONE, 100, 0)), Map.of(ONE, one, TWO, rows -> List.of(2.0)));
        for (int i = 0; i < 10; i++) {
            var unused = endpoint().score(rows(1));
        }
        RoutingTable.Slot before = engine.findSlot("e", "blue");

        serve(
                SlotLayout.of(new TargetSlot("blue", ONE, 80, 0), new TargetSlot("green", TWO, 20, 0)),
                Map.of(ONE, one, TWO, rows -> List.of(2.0)));
        RoutingTable.Slot after = engine.findSlot("e", "blue");

        assertThat(before).isNotNull();
        assertThat(after).isNotNull();
        assertThat(after.model()).as("the same predictor serves on").isSameAs(before.model());
        assertThat(after.model().counters().metricsSince("blue", after.since()).requests())
                .isZero();
        assertThat(endpoint().slots().get(0).metrics().requests())
                .as("since loaded")
                .isEqualTo(10);
        assertThat(closed).isEmpty();

        serve(SlotLayout.of(new TargetSlot("green", TWO, 100, 0)), Map.of(ONE, one, TWO, rows -> List.of(2.0)));
        assertThat(closed)
                .as("retired once it left the table and had no request in flight")
                .containsExactly("m@1");
        assertThat(engine.read("e")).hasValue(SlotLayout.of(new TargetSlot("green", TWO, 100, 0)));
    }
}
