package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MlflowServerTest {
    @Test
    void shouldFailSayingWhatIsMissingWhenNoPythonIsFound() {
        assertThatThrownBy(() -> MlflowServer.findPython(List.of("/no/such/python3", "no-such-python")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Python 3.9 or later")
                .hasMessageContaining("/no/such/python3")
                .hasMessageContaining("MLOPS4J_PYTHON");
    }

    @Test
    void shouldTakeTheFirstPythonThatRunsWhenSeveralAreNamed() {
        assertThat(MlflowServer.findPython(List.of("no-such-python", "python3")))
                .isEqualTo("python3");
    }
}
