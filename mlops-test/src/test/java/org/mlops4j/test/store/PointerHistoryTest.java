package org.mlops4j.test.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PointerHistoryTest {
    private static PointerHistory.Move move(String expected, String newTag) {
        return new PointerHistory.Move(expected, newTag, "w", "c-" + newTag, 1);
    }

    @Test
    void shouldOrderMovesIntoAChainWhenTagsAreOpaqueEtags() {
        PointerHistory.Move a = move(null, "\"0x8DC1A\"");
        PointerHistory.Move b = move("\"0x8DC1A\"", "\"0x8DC07\"");
        PointerHistory.Move c = move("\"0x8DC07\"", "\"0x8DCFF\"");

        assertThat(PointerHistory.toChain(List.of(c, a, b))).containsExactly(a, b, c);
    }

    @Test
    void shouldReportAForkWhenTwoMovesExpectedTheSameTag() {
        assertThatThrownBy(() -> PointerHistory.toChain(List.of(move(null, "a"), move("a", "b"), move("a", "c"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the chain forks: two moves expected the tag a");
    }

    @Test
    void shouldReportAGapWhenAMoveExpectedATagNoMoveProduced() {
        assertThatThrownBy(() -> PointerHistory.toChain(List.of(move(null, "a"), move("a", "b"), move("x", "y"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("covers 2 of 3 moves");
    }

    @Test
    void shouldReportTwoCreationsWhenTwoMovesExpectedNoPointer() {
        assertThatThrownBy(() -> PointerHistory.toChain(List.of(move(null, "a"), move(null, "b"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("two moves created the pointer");
    }

    @Test
    void shouldReportARepeatedTagWhenTwoMovesProducedIt() {
        assertThatThrownBy(() -> PointerHistory.toChain(List.of(move(null, "a"), move("a", "b"), move("b", "a"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("two moves produced the tag a");
    }
}
