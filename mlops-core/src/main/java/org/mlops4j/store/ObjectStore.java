package org.mlops4j.store;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;

/**
 * The storage contract every MLOps4J record stands on (DESIGN §3.1): immutable content addressed by its SHA-256,
 * immutable records created at most once, and mutable pointers moved by compare-and-set.
 *
 * <p>Keys form a tree, as paths on a disk do: a key is never also a folder of other keys ({@code a/b} and
 * {@code a/b/c} cannot both exist); a write that would break this throws {@link org.mlops4j.common.ConflictException}.
 *
 * <p>Content lives under {@link #contentKey(Digest)}; records and pointers anywhere else. Nothing a writer has not
 * finished is visible: a record is either absent or complete. Implementations are thread-safe and, for the
 * local store, safe across processes on one host; {@code mlops-test} holds the contract suite that every
 * implementation passes.
 *
 * <p>Implementations: {@link LocalObjectStore} (a directory), {@code AzureBlobObjectStore} ({@code mlops-azure}),
 * {@code InMemoryObjectStore} ({@code mlops-test}).
 */
public interface ObjectStore extends AutoCloseable {
    /** The default page size of {@link #list(String)}. */
    int DEFAULT_PAGE_SIZE = 1000;

    /**
     * Stores content, hashing it with SHA-256 while it is written; idempotent. An existing object of the wrong size
     * (a torn write of an older version, a damaged disk) is repaired, not trusted.
     *
     * @param content the bytes, read to the end but not closed
     * @return the digest and size, and whether this call stored the bytes
     * @throws org.mlops4j.common.MlopsException if the store cannot be written; {@link java.io.UncheckedIOException} is
     *     never thrown: I/O failures of the stream are wrapped too
     */
    @CanIgnoreReturnValue
    ContentInfo putContent(InputStream content);

    /**
     * Stores content whose digest the caller already knows, and checks it; stores that can skip the upload of
     * existing content do so.
     *
     * @param expected the digest the bytes must have
     * @param content the bytes, read to the end but not closed
     * @return the digest and size, and whether this call stored the bytes
     * @throws org.mlops4j.common.IntegrityException if the bytes hash to another digest; nothing is stored then
     */
    @CanIgnoreReturnValue
    ContentInfo putContent(Digest expected, InputStream content);

    /**
     * Stores content read from a channel (a file's), as {@link #putContent(InputStream)} does. Stores on a local
     * disk read it without copying it through the Java heap and hash it while they write it; the default reads it
     * as a stream.
     *
     * @param content the bytes, read to the end but not closed
     * @return the digest and size, and whether this call stored the bytes
     * @throws org.mlops4j.common.MlopsException if the channel cannot be read or the store cannot be written
     */
    @CanIgnoreReturnValue
    default ContentInfo putContent(ReadableByteChannel content) {
        return putContent(Channels.newInputStream(content));
    }

    /**
     * Looks up stored content.
     *
     * @param digest the content's digest
     * @return its size and digest ({@code created} is false), or empty if absent
     */
    Optional<ContentInfo> findContent(Digest digest);

    /**
     * Opens stored content for reading. The stream does not re-check the digest: readers that must trust the bytes
     * hash them (the dataset API does).
     *
     * @param digest the content's digest
     * @return a stream the caller closes
     * @throws NotFoundException if no such content is stored
     */
    InputStream openContent(Digest digest);

    /**
     * Opens a byte range of stored content: what packed small files are read through (one pack holds many files), and
     * what a remote store serves as a ranged GET. The stream ends after {@code length} bytes, or earlier if the content
     * is shorter; like {@link #openContent(Digest)} it does not re-check any digest. The default skips to the offset;
     * stores that can seek override it.
     *
     * @param digest the content's digest
     * @param offset the first byte, at least 0
     * @param length how many bytes, at least 0
     * @return a stream the caller closes
     * @throws NotFoundException if no such content is stored
     * @throws IllegalArgumentException if the offset or length is negative
     */
    default InputStream openContent(Digest digest, long offset, long length) {
        ContentRange.check(offset, length);
        InputStream in = openContent(digest);
        try {
            long skipped = in.skip(offset);
            while (skipped < offset && in.read() >= 0) {
                skipped++; // skip() may stop early; read() tells a short content from a slow one
                skipped += in.skip(offset - skipped);
            }
            return ContentRange.limit(in, length);
        } catch (IOException e) {
            ContentRange.closeQuietly(in);
            throw new UncheckedIOException("cannot read content " + digest + " from offset " + offset, e);
        } catch (RuntimeException e) {
            ContentRange.closeQuietly(in);
            throw e;
        }
    }

    /**
     * Creates an immutable record atomically; never replaces an existing one.
     *
     * @param key the record's key
     * @param bytes its bytes
     * @return true if this call created it, false if the key was taken
     * @throws IllegalArgumentException if the key is a content key
     * @throws org.mlops4j.common.ConflictException if the key is a folder of other keys, or lies below another key
     */
    boolean createIfAbsent(StoreKey key, byte[] bytes);

    /**
     * Moves a mutable pointer: writes {@code bytes} only if the object's tag is still {@code expected}.
     *
     * @param key the pointer's key
     * @param expected the tag read before, or {@code null} to require that the key is absent
     * @param bytes the new bytes
     * @return the new tag, or empty if another writer got there first (re-read and decide again)
     * @throws IllegalArgumentException if the key is a content key
     * @throws org.mlops4j.common.ConflictException if the key is a folder of other keys, or lies below another key
     */
    Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes);

    /**
     * Reads a record or pointer.
     *
     * @param key the key
     * @return the bytes and tag, or empty if absent
     */
    Optional<StoredObject> find(StoreKey key);

    /**
     * Reads a record or pointer that must exist.
     *
     * @param key the key
     * @return the bytes and tag
     * @throws NotFoundException if the key is absent
     */
    default StoredObject get(StoreKey key) {
        return find(key)
                .orElseThrow(() -> new NotFoundException(
                        "no object at key '" + key + "' in " + this + "; check the name, or list the parent prefix"));
    }

    /**
     * Tells whether a key (a record, a pointer or content) exists.
     *
     * @param key the key
     * @return true if it exists
     */
    boolean exists(StoreKey key);

    /**
     * Lists one page of keys that start with {@code prefix}, in ascending order of their UTF-8 bytes.
     *
     * @param prefix the text every key starts with; empty for all (not a key: it may end within a segment)
     * @param continuationToken the previous page's token, {@code null} for the first page
     * @param maxResults the page size, at least 1
     * @return the page
     * @throws IllegalArgumentException if {@code maxResults < 1} or the token is not one this store issued
     */
    Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults);

    /**
     * Lists all keys that start with {@code prefix}, page by page as the caller iterates.
     *
     * @param prefix the text every key starts with
     * @return the lazy listing
     */
    default Paged<StoreKey> list(String prefix) {
        return Paged.of(token -> list(prefix, token, DEFAULT_PAGE_SIZE));
    }

    /**
     * Deletes a key. For garbage collection only: records are otherwise never deleted.
     *
     * @param key the key
     * @return true if it existed
     */
    @CanIgnoreReturnValue
    boolean delete(StoreKey key);

    /** Releases files, locks and connections; the store must not be used afterwards. */
    @Override
    void close();

    /**
     * Returns the key under which content with this digest is stored: {@code objects/sha256/ab/<64 hex>}.
     *
     * @param digest the digest
     * @return its key
     */
    static StoreKey contentKey(Digest digest) {
        String hex = digest.hex();
        return new StoreKey(CONTENT_PREFIX + hex.substring(0, 2) + "/" + hex);
    }

    /** The prefix of every content key. */
    String CONTENT_PREFIX = "objects/sha256/";

    /**
     * Tells whether a key is a content key.
     *
     * @param key the key
     * @return true if it lies under {@link #CONTENT_PREFIX}
     */
    static boolean isContentKey(StoreKey key) {
        return key.value().startsWith(CONTENT_PREFIX);
    }
}
