package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * The contract every {@link ObjectStore} passes. Extend it in a test class and implement {@link #createStore()}; each
 * test gets a fresh, empty store, closed afterwards. It holds on any object store, a directory or a flat blob
 * namespace: it asks nothing of the shape of keys (whether {@code a/b} may sit beside {@code a/b/c} is the store's
 * own business, and the lake's layout never asks it), and what it asks of capabilities it asks of every store.
 *
 * <pre>{@code
 * class MyStoreContractTest extends ObjectStoreContract {
 *     @Override
 *     protected ObjectStore createStore() { return new MyStore(...); }
 * }
 * }</pre>
 */
public abstract class ObjectStoreContract {
    private static final byte[] HELLO = "hello, lake".getBytes(StandardCharsets.UTF_8);

    /** The store under test; fresh for each test. */
    protected ObjectStore store;

    /**
     * Creates a fresh, empty store.
     *
     * @return the store
     * @throws Exception if it cannot be created
     */
    protected abstract ObjectStore createStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void shouldAddressContentBySha256WhenPut() throws IOException {
        ContentInfo info = store.putContent(new ByteArrayInputStream(HELLO));

        assertThat(info.digest()).isEqualTo(Digest.of(HELLO));
        assertThat(info.size()).isEqualTo(HELLO.length);
        assertThat(info.created()).isTrue();
        try (InputStream in = store.openContent(info.digest())) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
        }
        assertThat(store.exists(ObjectStore.contentKey(info.digest()))).isTrue();
    }

    @Test
    void shouldStoreContentOnceWhenPutTwice() {
        ContentInfo first = store.putContent(new ByteArrayInputStream(HELLO));
        ContentInfo second = store.putContent(new ByteArrayInputStream(HELLO));

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(second.created()).isFalse();
        assertThat(store.list(ObjectStore.CONTENT_PREFIX).stream()).hasSize(1);
    }

    @Test
    void shouldStoreEmptyContent() throws IOException {
        ContentInfo info = store.putContent(new ByteArrayInputStream(new byte[0]));

        assertThat(info.digest().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(info.size()).isZero();
        try (InputStream in = store.openContent(info.digest())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void shouldRoundTripLargeContentWhenStreamed() throws IOException {
        byte[] big = new byte[5 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);

        ContentInfo info = store.putContent(new ByteArrayInputStream(big));

        assertThat(info.size()).isEqualTo(big.length);
        assertThat(info.digest()).isEqualTo(Digest.of(big));
        try (InputStream in = store.openContent(info.digest())) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
    }

    @Test
    void shouldAcceptContentWhenExpectedDigestMatches() {
        ContentInfo info = store.putContent(Digest.of(HELLO), new ByteArrayInputStream(HELLO));

        assertThat(info.digest()).isEqualTo(Digest.of(HELLO));
        assertThat(store.findContent(Digest.of(HELLO))).isPresent();
    }

    @Test
    void shouldRejectContentAndStoreNothingWhenExpectedDigestDiffers() {
        Digest wrong = Digest.of("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.putContent(wrong, new ByteArrayInputStream(HELLO)))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(wrong.toString())
                .hasMessageContaining(Digest.of(HELLO).toString());
        assertThat(store.findContent(Digest.of(HELLO))).isEmpty();
        assertThat(store.findContent(wrong)).isEmpty();
    }

    @Test
    void shouldReportContentSizeWhenFound() {
        store.putContent(new ByteArrayInputStream(HELLO));

        Optional<ContentInfo> found = store.findContent(Digest.of(HELLO));

        assertThat(found).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(HELLO.length);
            assertThat(info.created()).isFalse();
        });
    }

    @Test
    void shouldThrowNotFoundWhenContentIsAbsent() {
        Digest absent = Digest.of(HELLO);

        assertThat(store.findContent(absent)).isEmpty();
        assertThatThrownBy(() -> store.openContent(absent))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(absent.toString());
    }

    @Test
    void shouldReadByteRangesOfContent() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Digest digest = store.putContent(new ByteArrayInputStream(bytes)).digest();

        try (InputStream in = store.openContent(digest, 123_456, 1000)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 123_456, 124_456));
        }
        try (InputStream in = store.openContent(digest, 0, 0)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        try (InputStream in = store.openContent(digest, bytes.length - 10, 1000)) {
            assertThat(in.readAllBytes())
                    .as("a range past the end stops at the end")
                    .isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length));
        }
        try (InputStream in = store.openContent(digest, bytes.length + 5, 10)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThatThrownBy(() -> store.openContent(digest, -1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset -1");
        Digest absent = Digest.of(HELLO);
        assertThatThrownBy(() -> store.openContent(absent, 0, 1))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(absent.toString());
    }

    @Test
    void shouldCreateRecordOnceAndNeverReplaceIt() {
        StoreKey key = StoreKey.of("datasets/churn/v/00000001.json");

        assertThat(store.createIfAbsent(key, bytes("first"))).isTrue();
        assertThat(store.createIfAbsent(key, bytes("second"))).isFalse();

        assertThat(store.get(key).getText()).isEqualTo("first");
    }

    @Test
    void shouldRejectContentKeysWhenWritingRecords() {
        StoreKey contentKey = ObjectStore.contentKey(Digest.of(HELLO));

        assertThatThrownBy(() -> store.createIfAbsent(contentKey, HELLO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("putContent");
        assertThatThrownBy(() -> store.compareAndSet(contentKey, null, HELLO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReturnEmptyFromFindAndThrowFromGetWhenKeyIsAbsent() {
        StoreKey key = StoreKey.of("nothing/here.json");

        assertThat(store.find(key)).isEmpty();
        assertThat(store.exists(key)).isFalse();
        assertThatThrownBy(() -> store.get(key))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nothing/here.json");
    }

    @Test
    void shouldCreatePointerWhenExpectedTagIsNullAndKeyIsAbsent() {
        StoreKey key = StoreKey.of("models/churn/aliases/champion.json");

        Optional<ObjectTag> tag = store.compareAndSet(key, null, bytes("v1"));

        assertThat(tag).isPresent();
        StoredObject read = store.get(key);
        assertThat(read.getText()).isEqualTo("v1");
        assertThat(read.getTag()).isEqualTo(tag.get());
    }

    @Test
    void shouldRefuseToCreatePointerWhenExpectedTagIsNullAndKeyExists() {
        StoreKey key = StoreKey.of("models/churn/aliases/champion.json");
        assertThat(store.compareAndSet(key, null, bytes("v1"))).isPresent();

        assertThat(store.compareAndSet(key, null, bytes("v2"))).isEmpty();
        assertThat(store.get(key).getText()).isEqualTo("v1");
    }

    @Test
    void shouldMovePointerOnlyWhenTagMatches() {
        StoreKey key = StoreKey.of("models/churn/aliases/champion.json");
        ObjectTag first = store.compareAndSet(key, null, bytes("v1")).orElseThrow();
        ObjectTag second = store.compareAndSet(key, first, bytes("v2")).orElseThrow();

        assertThat(second).isNotEqualTo(first);
        assertThat(store.compareAndSet(key, first, bytes("stale"))).isEmpty();
        assertThat(store.get(key).getText()).isEqualTo("v2");
        assertThat(store.get(key).getTag()).isEqualTo(second);
    }

    @Test
    void shouldRefuseToMovePointerWhenKeyIsAbsentButTagIsGiven() {
        StoreKey key = StoreKey.of("pointers/ghost.json");
        ObjectTag made = store.compareAndSet(key, null, bytes("x")).orElseThrow();
        store.delete(key);

        assertThat(store.compareAndSet(key, made, bytes("y"))).isEmpty();
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void shouldMoveRecordCreatedIfAbsentWhenItsTagIsGiven() {
        StoreKey key = StoreKey.of("hints/latest");
        assertThat(store.createIfAbsent(key, bytes("1"))).isTrue();
        ObjectTag tag = store.get(key).getTag();

        assertThat(store.compareAndSet(key, tag, bytes("2"))).isPresent();
        assertThat(store.get(key).getText()).isEqualTo("2");
    }

    @Test
    void shouldRoundTripArbitraryBytesInRecordsAndPointers() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (255 - i);
        }
        StoreKey record = StoreKey.of("bin/record");
        StoreKey pointer = StoreKey.of("bin/pointer");

        assertThat(store.createIfAbsent(record, binary)).isTrue();
        assertThat(store.compareAndSet(pointer, null, binary)).isPresent();

        assertThat(store.get(record).getBytes()).isEqualTo(binary);
        assertThat(store.get(pointer).getBytes()).isEqualTo(binary);
    }

    @Test
    void shouldListKeysUnderPrefixInUtf8Order() {
        List<String> keys =
                List.of("a-b", "a/c/d", "a/\uD83D\uDE00", "a/\uFFFD", "a/b-c", "a/bc", "b/x", "a/b/c", "ab", "a.b");
        for (String key : keys) {
            assertThat(store.createIfAbsent(StoreKey.of(key), bytes(key))).isTrue();
        }

        List<String> all = store.list("").stream().map(StoreKey::value).toList();
        List<String> underA = store.list("a/").stream().map(StoreKey::value).toList();
        List<String> startingWithAb =
                store.list("a/b").stream().map(StoreKey::value).toList();

        List<String> expected = keys.stream().sorted(StoreKey::compareUtf8).toList();
        assertThat(all).containsExactlyElementsOf(expected);
        assertThat(underA).containsExactly("a/b-c", "a/b/c", "a/bc", "a/c/d", "a/\uFFFD", "a/\uD83D\uDE00");
        assertThat(startingWithAb).containsExactly("a/b-c", "a/b/c", "a/bc");
    }

    @Test
    void shouldPageThroughListingWithContinuationTokens() {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 57; i++) {
            String key = "runs/p/" + (i % 7) + "/r" + i;
            written.add(key);
            assertThat(store.createIfAbsent(StoreKey.of(key), bytes("x"))).isTrue();
        }
        assertThat(store.createIfAbsent(StoreKey.of("runs/q/other"), bytes("x")))
                .isTrue();

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Page<StoreKey> page = store.list("runs/p/", token, 10);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(10);
            page.items().forEach(k -> seen.add(k.value()));
            token = page.continuationToken();
            pages++;
        } while (token != null);

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written);
        assertThat(seen).isSortedAccordingTo(StoreKey::compareUtf8);
        assertThat(pages).isBetween(6, 7);
    }

    @Test
    void shouldReturnEmptyPageWhenNothingMatches() {
        assertThat(store.createIfAbsent(StoreKey.of("x/y"), bytes("1"))).isTrue();

        Page<StoreKey> page = store.list("nothing/", null, 10);

        assertThat(page.items()).isEmpty();
        assertThat(page.continuationToken()).isNull();
    }

    @Test
    void shouldRejectNonPositivePageSize() {
        assertThatThrownBy(() -> store.list("", null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxResults");
    }

    @Test
    void shouldDeleteKeysAndSayWhetherTheyExisted() {
        StoreKey key = StoreKey.of("gc/old.json");
        assertThat(store.createIfAbsent(key, bytes("x"))).isTrue();

        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(key)).isFalse();
        assertThat(store.exists(key)).isFalse();
        assertThat(store.createIfAbsent(key, bytes("again"))).isTrue();
    }

    @Test
    void shouldLetExactlyOneConcurrentCreatorWin() throws Exception {
        StoreKey key = StoreKey.of("race/create.json");
        int threads = 8;
        List<Boolean> results = Concurrently.run(threads, i -> store.createIfAbsent(key, bytes("writer-" + i)));

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
        int winner = results.indexOf(true);
        assertThat(store.get(key).getText()).isEqualTo("writer-" + winner);
    }

    @Test
    void shouldLoseNoUpdateWhenPointersAreMovedConcurrently() throws Exception {
        StoreKey key = StoreKey.of("race/counter.json");
        assertThat(store.compareAndSet(key, null, bytes("0"))).isPresent();
        int threads = 4;
        int incrementsEach = 50;
        AtomicInteger conflicts = new AtomicInteger();

        var unused = Concurrently.run(threads, i -> {
            for (int done = 0; done < incrementsEach; ) {
                StoredObject current = store.get(key);
                int value = Integer.parseInt(current.getText());
                if (store.compareAndSet(key, current.getTag(), bytes(Integer.toString(value + 1)))
                        .isPresent()) {
                    done++;
                } else {
                    conflicts.incrementAndGet();
                }
            }
            return null;
        });

        assertThat(Integer.parseInt(store.get(key).getText())).isEqualTo(threads * incrementsEach);
    }

    @Test
    void shouldAllocateGapFreeVersionsWhenWritersRace() throws Exception {
        StoreKey series = StoreKey.of("datasets/race/v");
        VersionAllocator allocator = new VersionAllocator(store);
        int threads = 4;
        int eachThread = 25;

        List<List<Long>> claimed = Concurrently.run(threads, i -> {
            List<Long> mine = new ArrayList<>();
            for (int j = 0; j < eachThread; j++) {
                String commit = "c-" + i + "-" + j;
                mine.add(allocator
                        .allocate(series, commit, n -> bytes(commit), b -> new String(b, StandardCharsets.UTF_8))
                        .number());
            }
            return mine;
        });

        List<Long> all = claimed.stream().flatMap(List::stream).sorted().toList();
        assertThat(all).hasSize(threads * eachThread).doesNotHaveDuplicates();
        assertThat(all.get(0)).isEqualTo(1L);
        assertThat(all.get(all.size() - 1)).isEqualTo((long) threads * eachThread);
        assertThat(new VersionAllocator(store).findHighest(series)).isEqualTo((long) threads * eachThread);
    }

    @Test
    void shouldFindHighestVersionByProbingWhenSeriesIsLong() {
        StoreKey series = StoreKey.of("models/m/v");
        for (long n = 1; n <= 300; n++) {
            assertThat(store.createIfAbsent(VersionAllocator.versionKey(series, n), bytes("r" + n)))
                    .isTrue();
        }

        assertThat(new VersionAllocator(store).findHighest(series)).isEqualTo(300);
        assertThat(new VersionAllocator(store).findHighest(StoreKey.of("models/none/v")))
                .isZero();
    }

    @Test
    void shouldReturnOwnVersionWhenAllocationIsRetriedWithTheSameCommitId() {
        StoreKey series = StoreKey.of("datasets/retry/v");
        VersionAllocator allocator = new VersionAllocator(store);
        VersionAllocator.AllocatedVersion first = allocator.allocate(
                series, "commit-1", n -> bytes("commit-1"), b -> new String(b, StandardCharsets.UTF_8));

        VersionAllocator.AllocatedVersion retried = new VersionAllocator(store)
                .allocate(series, "commit-1", n -> bytes("commit-1"), b -> new String(b, StandardCharsets.UTF_8));

        assertThat(retried.number()).isEqualTo(first.number());
        assertThat(retried.recovered()).isTrue();
        assertThat(new VersionAllocator(store).findHighest(series)).isEqualTo(1);
    }

    @Test
    void shouldFindManyContentsInOneLookup() {
        Digest hello = store.putContent(new ByteArrayInputStream(HELLO)).digest();
        Digest empty = store.putContent(new ByteArrayInputStream(new byte[0])).digest();
        Digest absent = Digest.of(bytes("never stored"));

        Map<Digest, ContentInfo> found = store.findContents(List.of(hello, absent, empty, hello));

        assertThat(found).containsOnlyKeys(hello, empty);
        assertThat(found.get(hello).size()).isEqualTo(HELLO.length);
        assertThat(found.get(hello).created()).isFalse();
        assertThat(found.get(empty).size()).isZero();
        assertThat(store.findContents(List.of())).isEmpty();
    }

    @Test
    void shouldStoreContentWhoseDigestIsKnownWithoutStoringItTwice() {
        ContentInfo first = store.putContent(Digest.of(HELLO), new ByteArrayInputStream(HELLO));
        ContentInfo again = store.putContent(Digest.of(HELLO), new ByteArrayInputStream(HELLO));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(store.findContents(List.of(Digest.of(HELLO)))).containsKey(Digest.of(HELLO));
    }

    @Test
    void shouldReportCapabilitiesAndATimeThatMovesForward() {
        Instant first = store.clock().instant();
        Instant second = store.clock().instant();

        assertThat(store.capabilities()).isNotNull();
        assertThat(second).isAfterOrEqualTo(first);
    }

    @Test
    void shouldShareObjectsWithAViewThatBoundsItsCallsAndStayOpenWhenTheViewIsClosed() {
        ObjectStore bounded = store.withCallTimeout(Duration.ofSeconds(30));
        StoreKey key = StoreKey.of("views/record.json");

        assertThat(bounded.getCallTimeout()).contains(Duration.ofSeconds(30));
        assertThat(bounded.createIfAbsent(key, bytes("seen by both"))).isTrue();
        assertThat(store.get(key).getText()).isEqualTo("seen by both");
        Digest content = store.putContent(new ByteArrayInputStream(HELLO)).digest();
        assertThat(bounded.findContent(content)).isPresent();
        bounded.close();

        assertThat(store.get(key).getText()).isEqualTo("seen by both");
        assertThat(store.createIfAbsent(StoreKey.of("views/after.json"), bytes("x")))
                .isTrue();
        assertThatThrownBy(() -> store.withCallTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> store.withCallTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
