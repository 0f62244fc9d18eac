package org.mlops4j.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 18: {@code Paged} printed as {@code Paged@1b2c3d} in JShell; it and {@code Page} show their items now. */
class PagedToStringTest {
    @Test
    void shouldShowTheItemsWhenAOnePageListingIsPrinted() {
        Paged<String> paged = Paged.of(token -> new Page<>(List.of("churn-raw@1", "churn-raw@2"), null));

        assertThat(paged).hasToString("Paged[churn-raw@1, churn-raw@2]");
    }

    @Test
    void shouldShowTheFirstTenItemsAndSayMoreFollowWhenTheListingHasMorePages() {
        List<String> fifty = IntStream.rangeClosed(1, 50).mapToObj(i -> "v" + i).toList();
        Paged<String> paged = Paged.of(token -> new Page<>(fifty, "next"));

        assertThat(paged.toString())
                .isEqualTo("Paged[v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, … (first page: 50 items, more pages)]");
    }

    @Test
    void shouldShowAnEmptyListing() {
        assertThat(Paged.of(token -> new Page<>(List.<String>of(), null))).hasToString("Paged[]");
    }

    @Test
    void shouldSayWhyWhenTheFirstPageCannotBeFetched() {
        Paged<String> paged = Paged.of(token -> {
            throw new MlopsException("the registry is down; retry later");
        });

        assertThat(paged).hasToString("Paged[cannot list: the registry is down; retry later]");
    }

    @Test
    void shouldShowTheCountTheFirstItemsAndTheNextTokenWhenAPageIsPrinted() {
        List<Integer> twelve = IntStream.rangeClosed(1, 12).boxed().toList();

        assertThat(new Page<>(List.of("a", "b"), null)).hasToString("Page[2 items: a, b; last]");
        assertThat(new Page<>(twelve, "t2")).hasToString("Page[12 items: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …; next: t2]");
    }
}
