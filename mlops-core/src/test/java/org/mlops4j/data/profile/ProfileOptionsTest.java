package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileOptionsTest {
    @Test
    void shouldHaveDocumentedDefaults() {
        ProfileOptions o = ProfileOptions.ofDefaults();
        assertThat(o.getTopK()).isEqualTo(ProfileOptions.DEFAULT_TOP_K);
        assertThat(o.getSampleSize()).isEqualTo(ProfileOptions.DEFAULT_SAMPLE_SIZE);
        assertThat(o.getSketchK()).isEqualTo(ProfileOptions.DEFAULT_SKETCH_K);
        assertThat(o.getMaxValueLength()).isEqualTo(ProfileOptions.DEFAULT_MAX_VALUE_LENGTH);
        assertThat(o.getSeed()).isEqualTo(ProfileOptions.DEFAULT_SEED);
        assertThat(o)
                .isEqualTo(ProfileOptions.custom().build())
                .hasToString(ProfileOptions.custom().build().toString());
        assertThat(o.toString()).contains("topK=").contains("seed=");
    }

    @Test
    void shouldRejectTopKOutOfRange() {
        assertThatThrownBy(() -> ProfileOptions.custom().topK(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topK")
                .hasMessageContaining("got 0");
    }

    @Test
    void shouldRejectNegativeSampleSize() {
        assertThatThrownBy(() -> ProfileOptions.custom().sampleSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleSize")
                .hasMessageContaining("got -1");
    }

    @Test
    void shouldRejectSketchKBelowTheMinimumWidth() {
        assertThatThrownBy(() -> ProfileOptions.custom().sketchK(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sketchK")
                .hasMessageContaining("got 7");
    }

    @Test
    void shouldRejectZeroMaxValueLength() {
        assertThatThrownBy(() -> ProfileOptions.custom().maxValueLength(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxValueLength");
    }

    @Test
    void shouldRejectSettingAnOptionTwice() {
        assertThatThrownBy(() -> ProfileOptions.custom().seed(1).seed(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seed was already set");
        assertThatThrownBy(() -> ProfileOptions.custom().topK(5).topK(6)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldDeriveFromABase() {
        ProfileOptions base =
                ProfileOptions.custom().topK(7).sampleSize(0).seed(9).build();
        ProfileOptions derived = ProfileOptions.from(base).sketchK(64).build();
        assertThat(derived.getTopK()).isEqualTo(7);
        assertThat(derived.getSampleSize()).isZero();
        assertThat(derived.getSeed()).isEqualTo(9);
        assertThat(derived.getSketchK()).isEqualTo(64);
        assertThat(derived).isNotEqualTo(base);
    }
}
