package org.mlops4j.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The store a dataset, registry or pipeline test runs on: the local store in the test's directory, or, when the
 * system property {@value #PROPERTY} names a {@link Factory}, what that factory opens. {@code mlops-test} runs these
 * tests a second time with its factory of in-memory stores behind a remote store's latency (acceptance 1 of issue
 * 15: the same tests pass on both).
 */
public final class TestStores {
    /** The system property that names a {@link Factory} class with a public no-argument constructor. */
    public static final String PROPERTY = "mlops4j.test.stores";

    /** Opens the stores of a test run, and damages them the way a failing disk would. */
    public interface Factory {
        /**
         * Opens the lake kept in a directory; opening the same directory again gives the same lake.
         *
         * @param directory the test's directory for the lake
         * @return the store; the caller closes it
         */
        ObjectStore open(Path directory);

        /**
         * Overwrites bytes of a stored content in place, so that a test can check that reads find the damage.
         *
         * @param store a store this factory opened
         * @param content the content
         * @param offset where the damage starts
         * @param bytes what is written there
         * @throws IOException if the store's file cannot be written
         */
        void damageContent(ObjectStore store, Digest content, long offset, byte[] bytes) throws IOException;
    }

    private static final Factory FACTORY = load();

    private TestStores() {}

    /**
     * Opens the lake kept in a directory.
     *
     * @param directory the test's directory for the lake
     * @return the store; the caller closes it
     */
    public static ObjectStore open(Path directory) {
        return FACTORY.open(directory);
    }

    /**
     * Overwrites bytes of a stored content in place.
     *
     * @param store a store {@link #open} opened
     * @param content the content
     * @param offset where the damage starts
     * @param bytes what is written there
     * @throws IOException if the store's file cannot be written
     */
    public static void damageContent(ObjectStore store, Digest content, long offset, byte[] bytes) throws IOException {
        FACTORY.damageContent(store, content, offset, bytes);
    }

    private static Factory load() {
        String name = System.getProperty(PROPERTY, "");
        if (name.isBlank()) {
            return new Local();
        }
        try {
            return Class.forName(name)
                    .asSubclass(Factory.class)
                    .getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    PROPERTY + " names '" + name + "', which is not a TestStores.Factory"
                            + " with a public no-argument constructor",
                    e);
        }
    }

    /** The local store, in the test's directory. */
    private static final class Local implements Factory {
        @Override
        public ObjectStore open(Path directory) {
            return LocalObjectStore.open(directory);
        }

        @Override
        public void damageContent(ObjectStore store, Digest content, long offset, byte[] bytes) throws IOException {
            Path file = ((LocalObjectStore) store)
                    .getRoot()
                    .resolve(ObjectStore.contentKey(content).value());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                var unused = channel.write(ByteBuffer.wrap(bytes), offset);
            }
        }
    }
}
