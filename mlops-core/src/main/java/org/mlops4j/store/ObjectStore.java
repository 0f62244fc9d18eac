package org.mlops4j.store;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.common.StorageException;

/**
 * The storage contract every MLOps4J record stands on (DESIGN §3.1): immutable content addressed by its SHA-256,
 * immutable records created at most once, and mutable pointers moved by compare-and-set.
 *
 * <p>The contract holds on any object store, a directory or a flat blob namespace: it makes no rule about the shape
 * of keys. The lake's layout ({@code org.mlops4j.lake.LakeLayout}) never makes a key that is a folder of another
 * ({@code a/b} beside {@code a/b/c}), so a store on a directory, which cannot hold both, may refuse such a key with
 * a {@link org.mlops4j.common.ConflictException}.
 *
 * <p>Content lives under {@link #contentKey(Digest)}; records and pointers anywhere else. Nothing a writer has not
 * finished is visible: a record is either absent or complete. Implementations are thread-safe and, for the
 * local store, safe across processes on one host; {@code mlops-test} holds the contract suite that every
 * implementation passes.
 *
 * <p><b>Round trips.</b> On a remote store each call is a request of 5 to 50 ms, not a system call: callers look up
 * many contents at once ({@link #findContents}), and tests hold each operation of the data layer to a written request
 * budget ({@code docs/lake-format.md} §12) through {@code LatencyObjectStore} in {@code mlops-test}. A store reports
 * what it does natively ({@link #capabilities()}), keeps the time that leases expire by ({@link #clock()}), and
 * bounds each call ({@link #withCallTimeout(Duration)}).
 *
 * <p><b>Failures.</b> A failure to read or write (a full disk, a dropped connection, a timeout) is a
 * {@link StorageException}, which says whether it is transient; {@link java.io.UncheckedIOException} is never thrown.
 *
 * <p>Implementations: {@link LocalObjectStore} (a directory), {@code AzureBlobObjectStore} ({@code mlops-azure}),
 * {@code InMemoryObjectStore} ({@code mlops-test}).
 */
public interface ObjectStore extends AutoCloseable {
    /** The default page size of {@link #list(String)}. */
    int DEFAULT_PAGE_SIZE = 1000;

    /**
     * Stores content whose digest is not known in advance, hashing it with SHA-256 as it is read; idempotent. An
     * existing object of the wrong size (a torn write of an older version, a damaged disk) is repaired, not trusted.
     *
     * <p>How the bytes travel depends on {@link StoreCapabilities#hasAtomicRename()}: a store that can rename writes
     * them once under a temporary name and renames them to their digest; one that cannot (a blob store) stages them
     * (a local temp file or a staging blob) until their digest is known. Callers that can read a source twice (a
     * file, bytes in memory) hash it first on such a store and call {@link #putContent(Digest, InputStream)} only
     * for what {@link #findContents} does not find.
     *
     * @param content the bytes, read to the end but not closed
     * @return the digest and size, and whether this call stored the bytes
     * @throws StorageException if the stream cannot be read or the store cannot be written
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
     * @throws StorageException if the stream cannot be read or the store cannot be written
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
     * @throws StorageException if the channel cannot be read or the store cannot be written
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
     * @throws StorageException if the store cannot be read
     */
    Optional<ContentInfo> findContent(Digest digest);

    /**
     * Looks up many contents at once: what an upload of many files asks before it sends the ones the store lacks. A
     * remote store answers in one round trip (a listing, or requests in parallel); the default asks
     * {@link #findContent} for each.
     *
     * @param digests the contents' digests; duplicates are looked up once
     * @return the size and digest of each content found, by digest; absent ones are left out
     * @throws StorageException if the store cannot be read
     */
    default Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
        Map<Digest, ContentInfo> found = new HashMap<>();
        for (Digest digest : digests) {
            if (!found.containsKey(digest)) {
                findContent(digest).ifPresent(info -> found.put(digest, info));
            }
        }
        return found;
    }

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
     * @throws StorageException if the store cannot be read
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
            throw StorageException.of(
                    "cannot skip to offset " + offset + " of content " + digest + " in " + this + ": " + e
                            + "; check that the store is reachable, then read it again",
                    e);
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
     * @throws org.mlops4j.common.ConflictException if this store cannot hold the key beside an existing one (on a
     *     directory: the key is a folder of other keys, or lies below another key)
     * @throws StorageException if the store cannot be written
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
     * @throws org.mlops4j.common.ConflictException if this store cannot hold the key beside an existing one (on a
     *     directory: the key is a folder of other keys, or lies below another key)
     * @throws StorageException if the store cannot be written, or the call timed out
     */
    Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes);

    /**
     * Reads a record or pointer.
     *
     * @param key the key
     * @return the bytes and tag, or empty if absent
     * @throws StorageException if the store cannot be read
     */
    Optional<StoredObject> find(StoreKey key);

    /**
     * Reads a record or pointer that must exist.
     *
     * @param key the key
     * @return the bytes and tag
     * @throws NotFoundException if the key is absent
     * @throws StorageException if the store cannot be read
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
     * @throws StorageException if the store cannot be read
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
     * @throws StorageException if the store cannot be read
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
     * @throws StorageException if the store cannot be written, or the call timed out
     */
    @CanIgnoreReturnValue
    boolean delete(StoreKey key);

    /**
     * Says what this store does natively; the data layer picks its path by it. The default claims nothing, which is
     * always correct and costs the most requests.
     *
     * @return the capabilities
     */
    default StoreCapabilities capabilities() {
        return StoreCapabilities.none();
    }

    /**
     * Returns the store's time: what leases and other expiry in the store are measured by. A store with
     * {@link StoreCapabilities#hasServerTime() server time} returns the time its backend keeps (read from its
     * responses), the same for every host that shares it; others return the clock they were built with, by default
     * the host's. Two hosts whose clocks differ by a minute then still agree on when a lease ends.
     *
     * @return the clock
     */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Returns the longest one call of this store may take before it fails with a transient {@link StorageException}:
     * a request to a remote store, a wait for a lock on a local one; empty when calls are not bounded.
     *
     * @return the bound, or empty
     */
    default Optional<Duration> getCallTimeout() {
        return Optional.empty();
    }

    /**
     * Returns a view of this store whose calls each end within {@code timeout}, for one call or a piece of work that
     * must not wait longer than usual (a health check, a lease renewal). The view shares this store's files, locks
     * and connections: closing it does nothing, close this store instead.
     *
     * @param timeout the bound of each call, positive
     * @return the view
     * @throws IllegalArgumentException if the timeout is zero or negative
     * @throws UnsupportedOperationException if this store cannot bound its calls
     */
    default ObjectStore withCallTimeout(Duration timeout) {
        throw new UnsupportedOperationException(this + " cannot bound its calls; set a timeout where it was built");
    }

    /**
     * Checks a call timeout given to {@link #withCallTimeout}.
     *
     * @param timeout the timeout
     * @return the timeout
     * @throws IllegalArgumentException if it is zero or negative
     */
    static Duration requirePositiveTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a call timeout must be positive, got " + timeout);
        }
        return timeout;
    }

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
