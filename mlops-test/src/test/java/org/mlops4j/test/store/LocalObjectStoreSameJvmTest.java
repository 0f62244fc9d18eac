package org.mlops4j.test.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;

/**
 * Two {@link LocalObjectStore} instances on one directory in one JVM must exclude each other as two processes do.
 * {@code fcntl} locks belong to the whole process and the JDK tracks them per JVM, so the instances must share their
 * lock file: otherwise one instance's lock attempt fails with {@code OverlappingFileLockException} while the other
 * holds the stripe, and closing one instance drops the other's locks.
 */
class LocalObjectStoreSameJvmTest {
    private static final int MOVES_PER_THREAD = 300;

    @TempDir
    Path lake;

    @Test
    void shouldChainEveryMoveWhenTwoInstancesInOneJvmMoveOnePointer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LocalObjectStore first = LocalObjectStore.open(lake);
                LocalObjectStore second = LocalObjectStore.open(lake)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                LocalObjectStore store = t % 2 == 0 ? first : second;
                String writer = "t" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < MOVES_PER_THREAD; i++) {
                        StoreRecords.MoveResult moved =
                                StoreRecords.movePointer(store, i + 1, writer + "-" + i, writer);
                        assertThat(store.createIfAbsent(
                                        StoreRecords.logKey(moved.newTag()), StoreRecords.logEntry(moved.move())))
                                .isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
            List<PointerHistory.Move> chain = PointerHistory.toChain(StoreRecords.readLog(first));
            assertThat(chain).hasSize(4 * MOVES_PER_THREAD);
            assertThat(first.get(StoreRecords.POINTER).getTag().value())
                    .isEqualTo(chain.get(chain.size() - 1).newTag());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldKeepWorkingWhenAnotherInstanceOnTheSameDirectoryIsClosed() {
        try (LocalObjectStore survivor = LocalObjectStore.open(lake)) {
            LocalObjectStore.open(lake).close();
            var moved = StoreRecords.movePointer(survivor, 1, "c1", "w");
            assertThat(moved.newTag().value()).isEqualTo("1");
            LocalObjectStore.open(lake).close();
            assertThat(StoreRecords.movePointer(survivor, 2, "c2", "w").newTag().value())
                    .isEqualTo("2");
        }
    }
}
