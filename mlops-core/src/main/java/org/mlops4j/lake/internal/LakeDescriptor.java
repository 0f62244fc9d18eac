package org.mlops4j.lake.internal;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.internal.Quoting;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * The {@code lake.json} at the root of every lake: it names the lake format version and the hash algorithm of its
 * content addresses, so that a reader knows whether it can read the lake before it reads anything else.
 *
 * <p>Version 1 is {@code {"format":"mlops4j.lake/1","hashAlgorithm":"sha256"}}, in canonical JSON. Immutable and
 * thread-safe. Example:
 *
 * <pre>{@code
 * try (ObjectStore store = LocalObjectStore.open(dir)) {
 *     LakeDescriptor lake = LakeDescriptor.initialize(store);   // creates lake.json, or checks the one there
 * }
 * }</pre>
 */
public final class LakeDescriptor {
    /** The key of the descriptor. */
    public static final StoreKey KEY = LakeLayout.DESCRIPTOR;

    /** The lake format this version of MLOps4J writes and the newest it reads. */
    public static final RecordFormat FORMAT = RecordFormat.of("mlops4j.lake", 1);

    /** The hash algorithm of content addresses, as written in {@code lake.json}. */
    public static final String HASH_ALGORITHM = "sha256";

    private static final String HASH_FIELD = "hashAlgorithm";
    private static final LakeDescriptor CURRENT = new LakeDescriptor(FORMAT.version(), HASH_ALGORITHM);

    private final int formatVersion;
    private final String hashAlgorithm;

    private LakeDescriptor(int formatVersion, String hashAlgorithm) {
        this.formatVersion = formatVersion;
        this.hashAlgorithm = hashAlgorithm;
    }

    /** Returns the descriptor this version of MLOps4J writes: lake format 1, SHA-256. */
    public static LakeDescriptor current() {
        return CURRENT;
    }

    /** Returns the lake format version, from 1. */
    public int getFormatVersion() {
        return formatVersion;
    }

    /** Returns the hash algorithm of content addresses, {@code sha256}. */
    public String getHashAlgorithm() {
        return hashAlgorithm;
    }

    /**
     * Returns the canonical bytes of {@code lake.json}.
     *
     * @return the bytes
     */
    public byte[] toBytes() {
        return RecordWriter.createWithoutChecksum(RecordFormat.of(FORMAT.name(), formatVersion))
                .put(HASH_FIELD, hashAlgorithm)
                .toBytes();
    }

    /**
     * Reads {@code lake.json} strictly.
     *
     * @param bytes its bytes
     * @return the descriptor
     * @throws LakeFormatException if the bytes break the format, name a newer lake format or another hash algorithm
     *     ({@code UNSUPPORTED_FORMAT}: upgrade MLOps4J)
     */
    public static LakeDescriptor parse(byte[] bytes) {
        RecordReader reader = RecordReader.parse(bytes, FORMAT, KEY.value());
        String hash = reader.getString(HASH_FIELD);
        reader.finish();
        if (!HASH_ALGORITHM.equals(hash)) {
            throw new LakeFormatException(
                    Reason.UNSUPPORTED_FORMAT,
                    "$." + HASH_FIELD,
                    -1,
                    KEY.value(),
                    "the lake uses hash algorithm " + Quoting.abbreviate(hash) + "; this MLOps4J supports" + " only '"
                            + HASH_ALGORITHM + "': upgrade MLOps4J, or use another lake",
                    null);
        }
        return new LakeDescriptor(reader.getFormatVersion(), hash);
    }

    /**
     * Makes a store a lake of the current format, or checks that it is one: creates {@code lake.json} if absent
     * (atomically: of two concurrent callers one creates it, both succeed), else reads it strictly. Call it when a
     * lake is opened, before anything else is read or written.
     *
     * @param store the store
     * @return the lake's descriptor
     * @throws LakeFormatException if the lake's {@code lake.json} is damaged, newer ({@code UNSUPPORTED_FORMAT}:
     *     upgrade MLOps4J) or names another hash algorithm
     * @throws MlopsException if the store cannot be read or written
     */
    public static LakeDescriptor initialize(ObjectStore store) {
        Objects.requireNonNull(store, "store");
        Optional<StoredObject> existing = store.find(KEY);
        if (existing.isEmpty()) {
            if (store.createIfAbsent(KEY, CURRENT.toBytes())) {
                return CURRENT;
            }
            existing = store.find(KEY);
            if (existing.isEmpty()) {
                throw new MlopsException("lake.json in " + store + " was created by another writer and is gone again;"
                        + " check that nothing deletes it, then retry");
            }
        }
        try {
            return parse(existing.get().getBytes());
        } catch (LakeFormatException e) {
            throw new LakeFormatException(
                    e.getReason(), e.getPath(), e.getByteOffset(), KEY + " of " + store, e.getDetail(), e);
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof LakeDescriptor other
                && formatVersion == other.formatVersion
                && hashAlgorithm.equals(other.hashAlgorithm);
    }

    @Override
    public int hashCode() {
        return Objects.hash(formatVersion, hashAlgorithm);
    }

    @Override
    public String toString() {
        return "LakeDescriptor{format=" + FORMAT.name() + "/" + formatVersion + ", hashAlgorithm=" + hashAlgorithm
                + "}";
    }
}
