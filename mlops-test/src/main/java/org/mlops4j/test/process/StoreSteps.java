package org.mlops4j.test.process;

import java.util.function.BiConsumer;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.internal.LocalStoreSteps;

/**
 * The local store's named write steps, for crash tests that halt a child at one ({@link StepTracker}, {@link HaltPoint}).
 *
 * <pre>{@code
 * StepTracker steps = StepTracker.fromSystemProperties();
 * try (LocalObjectStore store = StoreSteps.reporting(LocalObjectStore.builder().root(root), steps.listener()).build()) {
 *     ...
 * }
 * }</pre>
 */
public final class StoreSteps {
    /** Step: content bytes are in a temp file, not yet renamed into place. */
    public static final String STEP_CONTENT_WRITTEN = LocalStoreSteps.CONTENT_WRITTEN;
    /** Step: content renamed into place. */
    public static final String STEP_CONTENT_COMMITTED = LocalStoreSteps.CONTENT_COMMITTED;
    /** Step: a record's bytes are in a temp file, not yet linked. */
    public static final String STEP_RECORD_WRITTEN = LocalStoreSteps.RECORD_WRITTEN;
    /** Step: a record linked into place. */
    public static final String STEP_RECORD_COMMITTED = LocalStoreSteps.RECORD_COMMITTED;
    /** Step: a pointer's new bytes are in a temp file, the locks held. */
    public static final String STEP_POINTER_WRITTEN = LocalStoreSteps.POINTER_WRITTEN;
    /** Step: a pointer renamed into place, the locks still held. */
    public static final String STEP_POINTER_MOVED = LocalStoreSteps.POINTER_MOVED;

    private StoreSteps() {}

    /**
     * Makes the store a builder builds report each write step as it completes.
     *
     * @param builder the store's builder
     * @param listener receives each step's name and key; must be fast and must not throw
     * @return the builder
     * @throws IllegalStateException if a listener was set before
     */
    public static LocalObjectStore.Builder reporting(
            LocalObjectStore.Builder builder, BiConsumer<String, StoreKey> listener) {
        return LocalStoreSteps.listen(builder, listener);
    }
}
