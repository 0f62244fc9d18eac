package org.mlops4j.deploy.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlops4j.registry.ModelRef;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

class SlotLayoutTest {
    /** Two slots with shares that add up to 100, over model names with dots, dashes and underscores. */
    private static Gen<SlotLayout> layouts() {
        Gen<String> names = SourceDSL.strings()
                .betweenCodePoints('a', 'z')
                .ofLengthBetween(1, 6)
                .zip(
                        SourceDSL.integers().between(0, 3),
                        (n, k) -> n + List.of("", ".v", "-x", "_y").get(k));
        return names.zip(
                names,
                SourceDSL.integers().between(0, 100),
                SourceDSL.integers().between(0, 100),
                SourceDSL.integers().between(1, 1_000_000),
                (a, b, share, mirror, version) -> SlotLayout.of(
                        new TargetSlot("blue", new ModelRef(a, version), share, 0),
                        new TargetSlot("green", new ModelRef(b, version + 1), 100 - share, mirror)));
    }

    @Test
    void shouldReadALayoutBackFromItsText() {
        qt().withExamples(1000)
                .forAll(layouts())
                .checkAssert(layout ->
                        assertThat(SlotLayout.parse(layout.toString())).isEqualTo(layout));
        assertThat(SlotLayout.of(
                                new TargetSlot("green", ModelRef.parse("churn@2"), 0, 30),
                                new TargetSlot("blue", ModelRef.parse("churn@1"), 100, 0))
                        .toString())
                .isEqualTo("blue=churn@1:100/0,green=churn@2:0/30");
    }

    @Test
    void shouldRefuseTextThatIsNotALayout() {
        for (String bad : List.of(
                "",
                "blue",
                "blue=churn@1:100",
                "blue=churn@1:x/0",
                "blue=churn@1:50/0",
                "blue=churn@1:100/0,blue=churn@2:0/0",
                "Blue=churn@1:100/0")) {
            assertThatThrownBy(() -> SlotLayout.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
        }
    }
}
