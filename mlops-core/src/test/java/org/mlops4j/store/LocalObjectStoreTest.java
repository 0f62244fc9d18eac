package org.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.StorageException;
import org.mlops4j.store.internal.LocalStoreSteps;

/** What only the local store does; the shared behaviour is in mlops-test's contract suite. */
class LocalObjectStoreTest {
    @TempDir
    Path root;

    @Test
    void shouldRemoveTempFilesOfDeadProcessesWhenOpened() throws IOException {
        Path tmp = root.resolve(StoreKey.RESERVED_ROOT).resolve("tmp");
        Files.createDirectories(tmp);
        Path deadProcess = Files.write(tmp.resolve("999999999-1-1.tmp"), new byte[] {1});
        Path ancient = Files.write(tmp.resolve("junk.tmp"), new byte[] {2});
        Files.setLastModifiedTime(ancient, FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));
        Path recentUnknown = Files.write(tmp.resolve("recent.tmp"), new byte[] {3});

        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            assertThat(store.getStaleTempFilesRemoved()).isEqualTo(2);
            assertThat(deadProcess).doesNotExist();
            assertThat(ancient).doesNotExist();
            assertThat(recentUnknown).exists();
        }
    }

    @Test
    void shouldJudgeTheAgeOfTempFilesByTheStoresClock() throws IOException {
        Path tmp = root.resolve(StoreKey.RESERVED_ROOT).resolve("tmp");
        Files.createDirectories(tmp);
        Path ofThisLiveProcess =
                Files.write(tmp.resolve(ProcessHandle.current().pid() + "-other-1.tmp"), new byte[] {1});

        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            assertThat(store.getStaleTempFilesRemoved()).isZero();
        }
        Clock dayAndHourLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(25));
        try (LocalObjectStore store =
                LocalObjectStore.builder().root(root).clock(dayAndHourLater).build()) {
            assertThat(store.getStaleTempFilesRemoved()).isEqualTo(1);
            assertThat(ofThisLiveProcess).doesNotExist();
            assertThat(store.clock()).isSameAs(dayAndHourLater);
        }
    }

    @Test
    void shouldRefuseKeyThatIsAlsoAFolderOfAnotherKeyOnADisk() {
        try (LocalObjectStore store = LocalObjectStore.open(root.resolve("lake"))) {
            assertThat(store.createIfAbsent(StoreKey.of("tree/leaf"), bytes("x")))
                    .isTrue();
            assertThat(store.createIfAbsent(StoreKey.of("tree/branch/leaf"), bytes("y")))
                    .isTrue();

            assertThatThrownBy(() -> store.createIfAbsent(StoreKey.of("tree/leaf/below"), bytes("z")))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("tree/leaf");
            assertThatThrownBy(() -> store.createIfAbsent(StoreKey.of("tree/branch"), bytes("z")))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("tree/branch");
            assertThatThrownBy(() -> store.compareAndSet(StoreKey.of("tree/branch"), null, bytes("z")))
                    .isInstanceOf(ConflictException.class);
            assertThat(store.find(StoreKey.of("tree/branch"))).isEmpty();
            assertThat(store.list("tree/").stream().map(StoreKey::value))
                    .containsExactly("tree/branch/leaf", "tree/leaf");
        }
    }

    @Test
    void shouldTimeOutWithATransientStorageExceptionWhenAPointersLockIsHeldTooLong() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StoreKey key = StoreKey.of("aliases/champion.json");
        Thread[] holder = new Thread[1];
        try (LocalObjectStore store = LocalObjectStore.builder()
                .root(root.resolve("lake"))
                .stepListener((step, k) -> {
                    if (step.equals(LocalStoreSteps.POINTER_WRITTEN) && Thread.currentThread() == holder[0]) {
                        holding.countDown();
                        awaitQuietly(release);
                    }
                })
                .build()) {
            holder[0] = new Thread(() -> {
                var unused = store.compareAndSet(key, null, bytes("held"));
            });
            holder[0].start();
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

            LocalObjectStore hurried = store.withCallTimeout(Duration.ofMillis(100));
            assertThatThrownBy(() -> hurried.compareAndSet(key, null, bytes("late")))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining("timed out after PT0.1S")
                    .hasMessageContaining("aliases/champion.json");
            assertThatThrownBy(() -> hurried.delete(key)).isInstanceOf(StorageException.class);

            release.countDown();
            holder[0].join();
            assertThat(store.get(key).getText()).isEqualTo("held");
            assertThat(hurried.getCallTimeout()).contains(Duration.ofMillis(100));
            assertThat(store.getCallTimeout()).contains(LocalObjectStore.DEFAULT_CALL_TIMEOUT);
        }
    }

    @Test
    void shouldReportRangedReadsConditionalWritesRenameAndLocalCallsButNotServerTime() {
        try (LocalObjectStore store = LocalObjectStore.open(root.resolve("lake"))) {
            assertThat(store.capabilities().hasLocalCalls()).isTrue();
            assertThat(store.capabilities().hasRangedReads()).isTrue();
            assertThat(store.capabilities().hasNativeConditionalWrites()).isTrue();
            assertThat(store.capabilities().hasAtomicRename()).isTrue();
            assertThat(store.capabilities().hasServerTime()).isFalse();
        }
    }

    @Test
    void shouldReportADiskFailureAsAStorageExceptionThatIsNotTransient() throws IOException {
        byte[] bytes = new byte[1024 * 1024];
        Path source = Files.write(root.resolve("source"), bytes);
        try (LocalObjectStore store = LocalObjectStore.open(root.resolve("lake"));
                FileChannel failing = new FailingChannel(FileChannel.open(source), 1000)) {
            assertThatThrownBy(() -> store.putContent(failing))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.isTransient()).isFalse())
                    .hasMessageContaining("check the source and the lake's disk");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldLeaveNoTempFileBehindAfterWrites() throws IOException {
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            store.putContent(new ByteArrayInputStream(new byte[100]));
            assertThat(store.createIfAbsent(StoreKey.of("r/1"), new byte[] {1})).isTrue();
            assertThat(store.createIfAbsent(StoreKey.of("r/1"), new byte[] {2})).isFalse();
            assertThat(store.compareAndSet(StoreKey.of("p/1"), null, new byte[] {1}))
                    .isPresent();
            assertThat(store.compareAndSet(StoreKey.of("p/1"), null, new byte[] {1}))
                    .isEmpty();
        }
        assertNoTempFileLeft();
    }

    @Test
    void shouldStoreWhatItHashedWhenContentSpansManyBuffersFromAStreamOrAChannel() throws IOException {
        int buffer = 256 * 1024;
        Random random = new Random(42);
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            for (int size : new int[] {
                0, 1, buffer - 1, buffer, buffer + 1, 4 * buffer, 4 * buffer + 7, 9 * buffer, 40 * buffer + 5
            }) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                Path source = Files.write(root.resolve("source-" + size), bytes);

                ContentInfo fromStream = store.putContent(new ByteArrayInputStream(bytes));
                Files.delete(
                        root.resolve(ObjectStore.contentKey(fromStream.digest()).value()));
                ContentInfo fromChannel;
                try (FileChannel channel = FileChannel.open(source)) {
                    fromChannel = store.putContent(channel);
                }

                assertThat(fromStream.digest()).as("size %d", size).isEqualTo(Digest.of(bytes));
                assertThat(fromStream.size()).isEqualTo(size);
                assertThat(fromChannel).isEqualTo(fromStream);
                try (InputStream in = store.openContent(fromChannel.digest())) {
                    assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(bytes);
                }
            }
        }
        assertNoTempFileLeft();
    }

    @Test
    void shouldWriteLargeFilesDirectlyAndStoreExactlyTheirBytes() throws IOException {
        int block = 4096;
        int chunk = 1024 * 1024;
        Random random = new Random(11);
        try (LocalObjectStore store = LocalObjectStore.builder()
                .root(root)
                .directWriteThreshold(block)
                .durableWrites(true)
                .build()) {
            String type = Files.getFileStore(root).type();
            if (List.of("ext4", "xfs", "btrfs").contains(type)) {
                assertThat(store.getDirectWriteThreshold()).as("on %s", type).hasValue(block);
            }
            // below the threshold, whole blocks, a partial last block, across the 1 MiB direct writes
            for (int size : new int[] {block - 1, block, block + 1, chunk - 1, chunk, chunk + 1, 5 * chunk + 3}) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                Path source = Files.write(root.resolve("source-" + size), bytes);
                ContentInfo info;
                try (FileChannel channel = FileChannel.open(source)) {
                    info = store.putContent(channel);
                }

                assertThat(info).as("size %d", size).isEqualTo(new ContentInfo(Digest.of(bytes), size, true));
                Path stored = root.resolve(ObjectStore.contentKey(info.digest()).value());
                assertThat(Files.size(stored)).as("size %d", size).isEqualTo(size);
                assertThat(Files.readAllBytes(stored)).as("size %d", size).isEqualTo(bytes);
                try (FileChannel channel = FileChannel.open(source)) {
                    assertThat(store.putContent(channel).created()).isFalse();
                }
            }
            byte[] bytes = new byte[3 * chunk];
            random.nextBytes(bytes);
            Path source = Files.write(root.resolve("source-mid"), bytes);
            try (FileChannel channel = FileChannel.open(source)) {
                ContentInfo rest = store.putContent(channel.position(777));
                assertThat(rest.digest()).isEqualTo(Digest.of(Arrays.copyOfRange(bytes, 777, bytes.length)));
            }
        }
        assertNoTempFileLeft();
    }

    @Test
    void shouldStoreLargeFilesWrittenAtOnceByMoreThreadsThanItWritesDirectly() throws Exception {
        int threads = 6;
        List<byte[]> contents = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < threads; i++) {
            byte[] bytes = new byte[3 * 1024 * 1024 + i * 4099];
            random.nextBytes(bytes);
            contents.add(bytes);
            sources.add(Files.write(root.resolve("source-" + i), bytes));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LocalObjectStore store =
                LocalObjectStore.builder().root(root).directWriteThreshold(1).build()) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<ContentInfo>> written = new ArrayList<>();
            for (Path source : sources) {
                written.add(pool.submit(() -> {
                    try (FileChannel channel = FileChannel.open(source)) {
                        start.await();
                        return store.putContent(channel);
                    }
                }));
            }
            for (int i = 0; i < threads; i++) {
                ContentInfo info = written.get(i).get(1, TimeUnit.MINUTES);
                assertThat(info.digest()).as("thread %d", i).isEqualTo(Digest.of(contents.get(i)));
                try (InputStream in = store.openContent(info.digest())) {
                    assertThat(in.readAllBytes()).as("thread %d", i).isEqualTo(contents.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldFailCleanlyWhenAFileCannotBeReadToTheEndAndStoreTheNextOne() throws IOException {
        byte[] bytes = new byte[6 * 1024 * 1024];
        new Random(3).nextBytes(bytes);
        Path source = Files.write(root.resolve("source"), bytes);
        for (long threshold : new long[] {1, Long.MAX_VALUE}) { // direct, then through the page cache
            try (LocalObjectStore store = LocalObjectStore.builder()
                    .root(root.resolve("lake-" + threshold))
                    .directWriteThreshold(threshold)
                    .build()) {
                try (FileChannel failing = new FailingChannel(FileChannel.open(source), 3 * 1024 * 1024 + 5)) {
                    assertThatThrownBy(() -> store.putContent(failing))
                            .as("threshold %d", threshold)
                            .isInstanceOf(org.mlops4j.common.MlopsException.class)
                            .hasMessageContaining("cannot store content")
                            .hasRootCauseMessage("disk gone after 3145733 bytes");
                }
                try (FileChannel channel = FileChannel.open(source)) {
                    assertThat(store.putContent(channel).digest()).isEqualTo(Digest.of(bytes));
                }
                try (Stream<Path> temps = Files.list(root.resolve("lake-" + threshold)
                        .resolve(StoreKey.RESERVED_ROOT)
                        .resolve("tmp"))) {
                    assertThat(temps).as("threshold %d", threshold).isEmpty();
                }
            }
        }
    }

    @Test
    void shouldNotWriteDirectlyWhenTurnedOffOrGivenANonsenseThreshold() {
        try (LocalObjectStore store = LocalObjectStore.builder()
                .root(root)
                .directWriteThreshold(Long.MAX_VALUE)
                .build()) {
            assertThat(store.getDirectWriteThreshold()).isEmpty();
        }
        assertThatThrownBy(() -> LocalObjectStore.builder().directWriteThreshold(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 byte, got 0");
    }

    @Test
    void shouldStoreTheRestOfAFileFromTheChannelsPosition() throws IOException {
        byte[] bytes = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(bytes);
        Path source = Files.write(root.resolve("source"), bytes);
        byte[] rest = Arrays.copyOfRange(bytes, 1000, bytes.length);
        try (LocalObjectStore store = LocalObjectStore.open(root);
                FileChannel channel = FileChannel.open(source)) {
            ContentInfo info = store.putContent(channel.position(1000));

            assertThat(info.digest()).isEqualTo(Digest.of(rest));
            assertThat(info.size()).isEqualTo(rest.length);
            try (InputStream in = store.openContent(info.digest())) {
                assertThat(in.readAllBytes()).isEqualTo(rest);
            }
        }
    }

    @Test
    void shouldWriteNoTempFileWhenSmallContentIsAlreadyStored() {
        byte[] bytes = "stored once".getBytes(StandardCharsets.UTF_8);
        List<String> steps = new ArrayList<>();
        try (LocalObjectStore store = LocalObjectStore.builder()
                .root(root)
                .stepListener((step, key) -> steps.add(step))
                .build()) {
            assertThat(store.putContent(new ByteArrayInputStream(bytes)).created())
                    .isTrue();
            assertThat(store.putContent(new ByteArrayInputStream(bytes)).created())
                    .isFalse();
        }
        assertThat(steps).containsExactly(LocalStoreSteps.CONTENT_WRITTEN, LocalStoreSteps.CONTENT_COMMITTED);
    }

    @Test
    void shouldRepairContentOfTheWrongSizeInsteadOfTrustingIt() throws IOException {
        byte[] bytes = "the real bytes".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(bytes);
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            store.putContent(new ByteArrayInputStream(bytes));
            Path file = root.resolve(ObjectStore.contentKey(digest).value());
            Files.write(file, "torn".getBytes(StandardCharsets.UTF_8));

            ContentInfo again = store.putContent(new ByteArrayInputStream(bytes));

            assertThat(again.created()).isTrue();
            assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
            assertThat(store.verify().isClean()).isTrue();
        }
    }

    @Test
    void shouldReportCorruptContentWhenVerifying() throws IOException {
        byte[] bytes = "original".getBytes(StandardCharsets.UTF_8);
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            ContentInfo info = store.putContent(new ByteArrayInputStream(bytes));
            Files.write(
                    root.resolve(ObjectStore.contentKey(info.digest()).value()),
                    "ORIGINAL".getBytes(StandardCharsets.UTF_8));

            StoreVerification verification = store.verify();

            assertThat(verification.isClean()).isFalse();
            assertThat(verification.problems())
                    .singleElement()
                    .asString()
                    .contains(info.digest().hex());
        }
    }

    @Test
    void shouldKeepPointerGenerationInAHeaderLine() throws IOException {
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            StoreKey key = StoreKey.of("models/m/aliases/champion.json");
            ObjectTag first = store.compareAndSet(key, null, "{}".getBytes(StandardCharsets.UTF_8))
                    .orElseThrow();
            ObjectTag second = store.compareAndSet(key, first, "{\"v\":2}".getBytes(StandardCharsets.UTF_8))
                    .orElseThrow();

            assertThat(first.value()).isEqualTo("1");
            assertThat(second.value()).isEqualTo("2");
            assertThat(Files.readString(root.resolve(key.value()))).isEqualTo("\0mlops4j-pointer 2\n{\"v\":2}");
        }
    }

    @Test
    void shouldThrowIntegrityExceptionWhenPointerHeaderIsDamaged() throws IOException {
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            StoreKey key = StoreKey.of("p/damaged");
            Path file = root.resolve("p").resolve("damaged");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "\0mlops4j-pointer x\n{}");

            assertThatThrownBy(() -> store.find(key))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("p/damaged");
        }
    }

    @Test
    void shouldRefuseRecordsThatLookLikePointerFiles() {
        try (LocalObjectStore store = LocalObjectStore.open(root)) {
            byte[] bytes = "\0mlops4j-pointer 1\n{}".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> store.createIfAbsent(StoreKey.of("r"), bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved");
        }
    }

    @Test
    void shouldReportEveryStepToTheStepListener() {
        List<String> steps = new ArrayList<>();
        try (LocalObjectStore store = LocalObjectStore.builder()
                .root(root)
                .stepListener((step, key) -> steps.add(step))
                .build()) {
            store.putContent(new ByteArrayInputStream(new byte[] {1}));
            assertThat(store.createIfAbsent(StoreKey.of("r"), new byte[] {1})).isTrue();
            assertThat(store.compareAndSet(StoreKey.of("p"), null, new byte[] {1}))
                    .isPresent();
        }

        assertThat(steps)
                .containsExactly(
                        LocalStoreSteps.CONTENT_WRITTEN,
                        LocalStoreSteps.CONTENT_COMMITTED,
                        LocalStoreSteps.RECORD_WRITTEN,
                        LocalStoreSteps.RECORD_COMMITTED,
                        LocalStoreSteps.POINTER_WRITTEN,
                        LocalStoreSteps.POINTER_MOVED);
    }

    @Test
    void shouldRejectEachBuilderSettingSetTwiceAndAMissingRoot() {
        assertThatThrownBy(() -> LocalObjectStore.builder().root(root).root(root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root");
        assertThatThrownBy(() -> LocalObjectStore.builder().durableWrites(true).durableWrites(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("durableWrites");
        assertThatThrownBy(() ->
                        LocalObjectStore.builder().stepListener((s, k) -> {}).stepListener((s, k) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stepListener");
        assertThatThrownBy(
                        () -> LocalObjectStore.builder().directWriteThreshold(1).directWriteThreshold(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("directWriteThreshold was already set to 1");
        assertThatThrownBy(() -> LocalObjectStore.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root is required");
    }

    @Test
    void shouldRejectAClockOrCallTimeoutSetTwiceAndATimeoutThatIsNotPositive() {
        assertThatThrownBy(() ->
                        LocalObjectStore.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clock was already set");
        assertThatThrownBy(() -> LocalObjectStore.builder()
                        .callTimeout(Duration.ofSeconds(1))
                        .callTimeout(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callTimeout was already set to PT1S");
        assertThatThrownBy(() -> LocalObjectStore.builder().callTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a call timeout must be positive, got PT0S");
    }

    @Test
    void shouldRefuseARootThatIsAFile() throws IOException {
        Path file = Files.write(root.resolve("file"), new byte[] {1});

        assertThatThrownBy(() -> LocalObjectStore.open(file))
                .isInstanceOf(org.mlops4j.common.MlopsException.class)
                .hasMessageContaining(file.toString());
    }

    private void assertNoTempFileLeft() throws IOException {
        try (Stream<Path> temps =
                Files.list(root.resolve(StoreKey.RESERVED_ROOT).resolve("tmp"))) {
            assertThat(temps).isEmpty();
        }
    }

    /** A file that fails to be read past {@code limit} bytes, as a disk that goes away would. */
    private static final class FailingChannel extends FileChannel {
        private final FileChannel file;
        private final long limit;

        FailingChannel(FileChannel file, long limit) {
            this.file = file;
            this.limit = limit;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (file.position() + dst.remaining() > limit) {
                throw new IOException("disk gone after " + limit + " bytes");
            }
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void force(boolean metaData) {}

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
