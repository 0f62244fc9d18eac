package org.mlops4j.test.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.store.VersionAllocator.AllocatedVersion;
import org.mlops4j.test.InMemoryObjectStore;

/** The in-memory store's fault injection drives {@link VersionAllocator}'s recovery from lost and failed writes. */
class VersionAllocatorFaultInjectionTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final VersionAllocator allocator = new VersionAllocator(store);

    private AllocatedVersion allocate(String commit) {
        return allocator.allocate(
                StoreRecords.SERIES,
                commit,
                n -> StoreRecords.versionRecord(commit, n, null),
                StoreRecords::commitIdOf);
    }

    /** The commit ids of versions 1..n, in order; fails on a gap. */
    private List<String> commitsInSeries() {
        List<Long> numbers = StoreRecords.versionNumbers(store, StoreRecords.SERIES);
        assertThat(numbers)
                .as("versions, gap-free")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, numbers.size()).boxed().collect(Collectors.toList()));
        List<String> commits = new ArrayList<>();
        for (long n : numbers) {
            commits.add(StoreRecords.commitIdOf(store.get(VersionAllocator.versionKey(StoreRecords.SERIES, n))
                    .getBytes()));
        }
        return commits;
    }

    @Test
    void shouldYieldExactlyOneVersionWhenTheCreateResponseIsLost() {
        var unused = allocate("c1");
        store.failNextWrites(1, true);

        AllocatedVersion version = allocate("c2");

        assertThat(version.number()).isEqualTo(2);
        assertThat(version.recovered())
                .as("found its own record after the lost response")
                .isTrue();
        assertThat(commitsInSeries()).containsExactly("c1", "c2");
        assertThat(allocate("c3").number()).isEqualTo(3);
        assertThat(commitsInSeries()).containsExactly("c1", "c2", "c3");
    }

    @Test
    void shouldYieldExactlyOneVersionWhenTheFirstCreateResponseIsLost() {
        store.failNextWrites(1, true);

        AllocatedVersion version = allocate("c1");

        assertThat(version.number()).isEqualTo(1);
        assertThat(version.recovered()).isTrue();
        assertThat(commitsInSeries()).containsExactly("c1");
    }

    @Test
    void shouldYieldExactlyOneVersionWhenTheHintUpdateResponseIsLostToo() {
        var unused = allocate("c1");
        store.failNextWrites(2, true); // the record's create, then the hint's compare-and-set

        AllocatedVersion version = allocate("c2");

        assertThat(version.number()).isEqualTo(2);
        assertThat(version.recovered()).isTrue();
        assertThat(commitsInSeries()).containsExactly("c1", "c2");
        assertThat(allocator.findHighest(StoreRecords.SERIES)).isEqualTo(2);
    }

    @Test
    void shouldWriteNothingAndSucceedOnRetryWhenTheCreateFailsBeforeTakingEffect() {
        var unused = allocate("c1");
        store.failNextWrites(1, false);

        assertThatThrownBy(() -> allocate("c2")).isInstanceOf(ServiceUnavailableException.class);
        assertThat(commitsInSeries()).containsExactly("c1");

        AllocatedVersion retry = allocate("c2");
        assertThat(retry.number()).isEqualTo(2);
        assertThat(retry.recovered()).isFalse();
        assertThat(commitsInSeries()).containsExactly("c1", "c2");
    }

    @Test
    void shouldRecognizeItsEarlierRecordWhenTheCallerRetriesAfterAFailure() {
        var unused = allocate("c1");
        store.failNextWrites(1, true);
        AllocatedVersion first = allocate("c2");

        AllocatedVersion retry = allocate("c2");

        assertThat(retry.number()).isEqualTo(first.number());
        assertThat(retry.recovered()).isTrue();
        assertThat(commitsInSeries()).containsExactly("c1", "c2");
    }

    @Test
    void shouldKeepVersionsGapFreeWhenManyResponsesAreLost() {
        for (int i = 1; i <= 50; i++) {
            store.failNextWrites(i % 3, i % 2 == 0);
            String commit = "c" + i;
            for (int attempt = 1; ; attempt++) {
                try {
                    var unused = allocate(commit);
                    break;
                } catch (ServiceUnavailableException e) {
                    assertThat(attempt).as("attempts for %s", commit).isLessThan(3); // retry with the same commit id
                }
            }
        }

        assertThat(commitsInSeries())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 50).mapToObj(i -> "c" + i).collect(Collectors.toList()));
    }
}
