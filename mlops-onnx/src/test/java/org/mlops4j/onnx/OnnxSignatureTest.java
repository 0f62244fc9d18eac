package org.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxSignatureTest {
    private static final OnnxSignature SIGNATURE = OnnxSignature.builder()
            .numberColumn("tenure_months")
            .stringColumn("contract")
            .input("input")
            .oneHot("contract", "monthly")
            .number("tenure_months", 30.0, 20.0)
            .output("output")
            .labels(List.of("no", "yes"))
            .build();

    @Test
    void shouldReadBackWhatItWroteWhenRoundTrippedThroughJson() {
        OnnxSignature read = OnnxSignature.parse(SIGNATURE.toJson());

        assertThat(read).isEqualTo(SIGNATURE);
        assertThat(read.getColumns())
                .containsExactly(
                        java.util.Map.entry("tenure_months", OnnxSignature.ColumnType.NUMBER),
                        java.util.Map.entry("contract", OnnxSignature.ColumnType.STRING));
        assertThat(read.getFeatures().get(1).scale()).isEqualTo(20.0);
    }

    @Test
    void shouldNameTheFieldWhenTheFormatIsUnknown() {
        String json = SIGNATURE.toJson().replace(OnnxSignature.FORMAT, "mlops4j-onnx-signature/9");

        assertThatThrownBy(() -> OnnxSignature.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mlops4j-onnx-signature/9");
    }

    @Test
    void shouldRefuseAFeatureOfAnUndeclaredColumnWhenBuilt() {
        assertThatThrownBy(() -> OnnxSignature.builder().numberColumn("a").oneHot("a", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("string column 'a'");
    }

    @Test
    void shouldRefuseAZeroScaleWhenBuilt() {
        assertThatThrownBy(() -> OnnxSignature.builder().numberColumn("a").number("a", 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-zero scale");
    }

    @Test
    void shouldRefuseTextThatIsNotJsonWhenParsed() {
        assertThatThrownBy(() -> OnnxSignature.parse("{nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }
}
