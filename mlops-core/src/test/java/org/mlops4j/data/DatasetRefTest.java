package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetRefTest {
    private static final List<String> NAMES = List.of("churn", "churn-raw", "Churn", "d\u00e9j\u00e0");

    @Test
    void shouldBeEqualExactlyWhenNameAndVersionAreAndHashAlike() {
        qt().forAll(
                        integers().between(0, NAMES.size() - 1),
                        longs().between(1, 3),
                        integers().between(0, NAMES.size() - 1),
                        longs().between(1, 3))
                .check((n1, v1, n2, v2) -> {
                    DatasetRef a = new DatasetRef(NAMES.get(n1), v1);
                    DatasetRef b = new DatasetRef(NAMES.get(n2), v2);
                    boolean same = n1.equals(n2) && v1.equals(v2);
                    return a.equals(b) == same && (!same || a.hashCode() == b.hashCode());
                });
    }

    @Test
    void shouldParseWhatItPrints() {
        DatasetRef ref = new DatasetRef("d\u00e9j\u00e0", 12);

        assertThat(DatasetRef.parse(ref.toString())).isEqualTo(ref);
        assertThat(ref.toString()).isEqualTo("d\u00e9j\u00e0@12");
        assertThatThrownBy(() -> DatasetRef.parse("churn@0")).hasMessageContaining("start at 1");
        assertThatThrownBy(() -> DatasetRef.parse("de\u0301ja@1")).hasMessageContaining("NFC");
    }
}
