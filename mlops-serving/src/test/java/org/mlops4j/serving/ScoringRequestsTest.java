package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringRequestsTest {
    private static List<Map<String, Object>> rows(String body) {
        return ScoringRequests.rows(body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Map<String, Object>> invocation(String body) {
        return ScoringRequests.invocation(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadNativeRowsOfNumbersStringsAndBooleans() {
        assertThat(rows("{\"rows\":[{\"x\":1,\"y\":2.5,\"city\":\"Oslo\",\"member\":true}],\"note\":\"ignored\"}"))
                .containsExactly(Map.of("x", 1, "y", 2.5, "city", "Oslo", "member", true));
        assertThat(rows("{\"rows\":[]}")).isEmpty();
    }

    @Test
    void shouldRefuseNullAndNonFiniteNumbersInNativeRows() {
        assertThatThrownBy(() -> rows("{\"rows\":[{\"x\":null}]}"))
                .hasMessage("row 0 column 'x' is a JSON null; values are numbers, strings or booleans (omit a missing"
                        + " value)");
        assertThatThrownBy(() -> rows("{\"rows\":[{\"x\":1e400}]}"))
                .hasMessageContaining("row 0 column 'x' is a number beyond the range of a double");
        assertThatThrownBy(() -> rows("{\"rows\":[{\"x\":1}]} trailing")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> rows("{\"rows\":[1]}"))
                .hasMessage("row 0 is a JSON number; each row is an object of" + " column to value");
    }

    @Test
    void shouldCapAnEchoedKey() {
        String key = "k".repeat(10_000);

        assertThatThrownBy(() -> rows("{\"rows\":[{\"" + key + "\":[]}]}"))
                .hasMessageStartingWith("row 0 column '" + "k".repeat(64) + "…(10000 characters)' is a JSON array")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        assertThatThrownBy(() -> rows("{\"rows\":[{\"" + key + "\":1,\"" + key + "\":2}]}"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600).contains("Duplicate"));
    }

    @Test
    void shouldReadMissingValuesInMlflowFormatsAsLeftOutColumns() {
        assertThat(invocation("{\"dataframe_split\":{\"columns\":[\"x\",\"c\"],\"data\":[[1,null]]}}"))
                .containsExactly(Map.of("x", 1));
        assertThat(invocation("{\"dataframe_records\":[{\"x\":null,\"c\":\"a\"}]}"))
                .containsExactly(Map.of("c", "a"));
        assertThat(invocation("{\"inputs\":{\"x\":[1,null],\"c\":[\"a\",\"b\"]}}"))
                .containsExactly(Map.of("x", 1, "c", "a"), Map.of("c", "b"));
        assertThat(invocation("{\"instances\":[]}")).isEmpty();
        assertThat(invocation("{\"dataframe_split\":{\"columns\":[\"x\"],\"data\":[]}}"))
                .isEmpty();
    }

    @Test
    void shouldSayWhatIsWrongWithAnMlflowBody() {
        assertThatThrownBy(() -> invocation("[]")).hasMessageContaining("is a JSON array; send a JSON object");
        assertThatThrownBy(() -> invocation("{}")).hasMessageContaining("has no input field");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"data\":[[1]]}}"))
                .hasMessageContaining("has no \"columns\" list; the models served here read named columns");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"columns\":[\"x\",\"x\"],\"data\":[[1,2]]}}"))
                .hasMessageContaining("names 'x' twice");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"columns\":[\"x\",\"y\"],\"data\":[[1]]}}"))
                .hasMessage("dataframe_split.data[0] is a list of 1 values; each row is a list of 2 values, one per"
                        + " column");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"columns\":[\"x\"],\"data\":[[1]],\"index\":[]}}"))
                .hasMessageContaining("index must be a list with one entry per row");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"columns\":[1],\"data\":[]}}"))
                .hasMessageContaining("columns[0] is a JSON number");
        assertThatThrownBy(() -> invocation("{\"dataframe_split\":{\"columns\":[],\"data\":[],\"orient\":1}}"))
                .hasMessageContaining("unknown field \"orient\"");
        assertThatThrownBy(() -> invocation("{\"dataframe_records\":{\"x\":1}}"))
                .hasMessageContaining("\"dataframe_records\" is a JSON object; send a list of row objects");
        assertThatThrownBy(() -> invocation("{\"inputs\":{\"x\":[1,2],\"y\":[1]}}"))
                .hasMessageContaining("has 1 values and another one 2");
        assertThatThrownBy(() -> invocation("{\"inputs\":{\"x\":[1,2],\"y\":1}}"))
                .hasMessageContaining("mixes columns of lists and columns of single values");
        assertThatThrownBy(() -> invocation("{\"inputs\":{}}")).hasMessageContaining("\"inputs\" is an empty object");
        assertThatThrownBy(() -> invocation("{\"instances\":[1,2]}"))
                .hasMessageContaining("instances[0] is a JSON number, a tensor without column names");
        assertThatThrownBy(() -> invocation("{\"inputs\":{\"x\":[[1,2]]}}"))
                .hasMessageContaining("inputs row 0 column 'x' is a JSON array");
        assertThatThrownBy(() -> invocation("{\"inputs\":[{\"x\":1}],\"params\":{\"k\":1}}"))
                .hasMessageContaining("\"params\" are not supported");
    }
}
