package org.mlops4j.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.StorageException;
import org.mlops4j.resilience.RetryPolicy;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreCapabilities;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * The lake in an Azure Blob Storage container (DESIGN §3.1, lake format §8): each object is a block blob named by its
 * key under an optional prefix, so any Blob API client (and ADLS Gen2 accounts, which serve the same API) reads the
 * lake as it is.
 *
 * <ul>
 *   <li><b>Conditional writes</b> are the service's own: create-if-absent is {@code If-None-Match: *}, compare-and-set
 *       {@code If-Match: <ETag>}, and both {@code 409 BlobAlreadyExists} and {@code 412 ConditionNotMet} mean another
 *       writer won. A pointer's tag is its ETag; pointers carry no header.
 *   <li><b>Content</b> is checked for before it is sent: a large upload stages blocks with no condition and applies
 *       {@code If-None-Match: *} only when it commits them, so a writer that lost the race would otherwise send
 *       everything first. Content of unknown digest is hashed first where the source can be read twice (a file
 *       channel), and otherwise held in a {@link Spill} (memory, then a temp file) until its digest is known: a blob
 *       cannot be renamed. Blocks are staged in parallel, with at most {@link Builder#parallelism} in flight.
 *   <li><b>Reads</b> are ranged GETs; a large content is read in chunks fetched ahead in parallel. The store does not
 *       re-hash what it reads (an ETag is no content hash): the data layer checks every file against the SHA-256 of
 *       its manifest.
 *   <li><b>Time</b> is the service's, from the {@code Date} header of its responses ({@link #clock()}).
 *   <li><b>Retries</b>: the SDK's own are off; every idempotent request goes through the core's {@link RetryPolicy}
 *       once, and failures are mapped to the core's exceptions, with secrets removed.
 * </ul>
 *
 * <p>Built with {@link #builder()} or {@link #fromEnvironment()}; see {@code docs/azure-blob.md}. Thread-safe.
 */
public final class AzureBlobObjectStore implements ObjectStore {
    private static final StoreCapabilities CAPABILITIES = StoreCapabilities.none()
            .withRangedReads()
            .withNativeConditionalWrites()
            .withServerTime();

    private final Shared shared;
    private final Duration callTimeout;
    private final boolean view;

    /** What a store and its views share: clients, threads, the clock, the configuration. */
    static final class Shared {
        final BlobContainerClient container;
        final String blobPrefix;
        final String location;
        final ExecutorService pool;
        final ServiceClock clock;
        final BlobFailures failures;
        final RetryPolicy retry;
        final int blockSize;
        final int parallelism;
        final Path spillDirectory;

        Shared(
                BlobContainerClient container,
                String blobPrefix,
                String location,
                ExecutorService pool,
                ServiceClock clock,
                BlobFailures failures,
                RetryPolicy retry,
                int blockSize,
                int parallelism,
                Path spillDirectory) {
            this.container = container;
            this.blobPrefix = blobPrefix;
            this.location = location;
            this.pool = pool;
            this.clock = clock;
            this.failures = failures;
            this.retry = retry;
            this.blockSize = blockSize;
            this.parallelism = parallelism;
            this.spillDirectory = spillDirectory;
        }
    }

    AzureBlobObjectStore(Shared shared, Duration callTimeout, boolean view) {
        this.shared = shared;
        this.callTimeout = callTimeout;
        this.view = view;
    }

    /**
     * Starts a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the lake named by {@code MLOPS4J_LAKE} ({@code azblob://<account>/<container>[/prefix]} or
     * {@code https://<account>.blob.core.windows.net/<container>[/prefix][?<sas>]}), with credentials from a SAS in
     * that URL, {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN}, or else
     * {@code DefaultAzureCredential}, in that order. The container is created if it is missing and the credentials
     * may create it.
     *
     * @return the store; close it when done
     * @throws IllegalArgumentException if {@code MLOPS4J_LAKE} is unset or not an Azure Blob location (the message
     *     shows it without secrets)
     */
    public static AzureBlobObjectStore fromEnvironment() {
        return Builder.fromEnvironment(System::getenv).build();
    }

    /** Returns the lake's location, {@code azblob://<account>/<container>[/prefix]}, without credentials. */
    public String getLocation() {
        return shared.location;
    }

    /**
     * Returns how many HTTP requests this store (and its views) sent, each retry counted: what request budgets on
     * Azure are measured in.
     *
     * @return the count since the store was built
     */
    public long getHttpRequestCount() {
        return shared.clock.requests();
    }

    // --- content -------------------------------------------------------------------------------------------------

    @Override
    public ContentInfo putContent(InputStream content) {
        Objects.requireNonNull(content, "content");
        try (Spill spill = Spill.of(content, shared.blockSize, shared.spillDirectory)) {
            return putPositional(spill.digest(), spill.size(), spill::read, spill.memory());
        } catch (IOException e) {
            throw StorageException.of("cannot read the content to store in " + this + ": " + e, e);
        }
    }

    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        if (!(content instanceof FileChannel file)) {
            return putContent(Channels.newInputStream(content));
        }
        // a file can be read twice: hash it where it lies, then send only what the container lacks
        try {
            long start = file.position();
            long size = file.size() - start;
            MessageDigest sha = Digest.newSha256();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
            for (long at = start; at < start + size; ) {
                buffer.clear();
                int n = file.read(buffer, at);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                sha.update(buffer);
                at += n;
            }
            Digest digest = Digest.ofHash(sha.digest());
            ContentInfo info = putPositional(
                    digest, size, (position, length) -> Spill.readFully(file, start + position, length), null);
            file.position(start + size);
            return info;
        } catch (IOException e) {
            throw StorageException.of("cannot read the file to store in " + this + ": " + e, e);
        }
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(content, "content");
        StoreKey key = ObjectStore.contentKey(expected);
        try {
            byte[] first = content.readNBytes(shared.blockSize);
            int next = content.read();
            if (next < 0) {
                // one request: a lost condition says the content is there already
                requireDigest(expected, Digest.of(first), first.length);
                return new ContentInfo(expected, first.length, putSmall(key, first));
            }
            InputStream whole = new SequenceInputStream(
                    new ByteArrayInputStream(first),
                    new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) next}), content));
            // blocks are staged without a condition: look first, so that a writer that lost the race sends nothing
            Optional<BlobProperties> existing = head(key);
            if (existing.isEmpty()) {
                return new StreamUpload(key, expected, whole).run();
            }
            // hash what the caller sent anyway: the contract rejects bytes that are not the digest's
            try (Spill spill = Spill.of(whole, shared.blockSize, shared.spillDirectory)) {
                requireDigest(expected, spill.digest(), spill.size());
                if (existing.get().getBlobSize() == spill.size()) {
                    return new ContentInfo(expected, spill.size(), false);
                }
                return putPositional(expected, spill.size(), spill::read, spill.memory());
            }
        } catch (IOException e) {
            throw StorageException.of("cannot read the content to store in " + this + ": " + e, e);
        }
    }

    /**
     * Stores content of at most one block in one conditional request; when the condition is lost, checks the size of
     * what is there and replaces it if it is wrong (a torn upload by a foreign tool, damage).
     *
     * @return whether this call stored the bytes
     */
    private boolean putSmall(StoreKey key, byte[] bytes) {
        if (putSingle(key, bytes, new BlobRequestConditions().setIfNoneMatch("*"))) {
            return true;
        }
        Optional<BlobProperties> there = head(key);
        if (there.isEmpty()) {
            return putSingle(key, bytes, new BlobRequestConditions().setIfNoneMatch("*")); // deleted meanwhile (GC)
        }
        return there.get().getBlobSize() != bytes.length
                && putSingle(
                        key,
                        bytes,
                        new BlobRequestConditions().setIfMatch(there.get().getETag()));
    }

    /** Reads bytes of a source that can be read at any position. */
    @FunctionalInterface
    private interface Positional {
        byte[] read(long position, int length) throws IOException;
    }

    /** Stores bytes whose digest is known and which can be read again by position: only if the container lacks them. */
    private ContentInfo putPositional(Digest digest, long size, Positional source, byte @Nullable [] memory)
            throws IOException {
        StoreKey key = ObjectStore.contentKey(digest);
        if (size <= shared.blockSize) {
            return new ContentInfo(digest, size, putSmall(key, memory != null ? memory : source.read(0, (int) size)));
        }
        Optional<BlobProperties> existing = head(key);
        if (existing.isPresent() && existing.get().getBlobSize() == size) {
            return new ContentInfo(digest, size, false);
        }
        // an existing blob of the wrong size (a torn upload by a foreign tool, damage) is replaced, not trusted
        BlobRequestConditions condition = existing.isPresent()
                ? new BlobRequestConditions().setIfMatch(existing.get().getETag())
                : new BlobRequestConditions().setIfNoneMatch("*");
        String nonce = nonce();
        int blocks = (int) ((size + shared.blockSize - 1) / shared.blockSize);
        List<String> ids = new ArrayList<>(blocks);
        List<Future<?>> staged = new ArrayList<>(blocks);
        Semaphore inFlight = new Semaphore(shared.parallelism);
        try {
            for (int i = 0; i < blocks; i++) {
                String id = blockId(nonce, i);
                ids.add(id);
                long position = (long) i * shared.blockSize;
                int length = (int) Math.min(shared.blockSize, size - position);
                acquire(inFlight);
                staged.add(shared.pool.submit(() -> {
                    try {
                        stage(key, id, source.read(position, length));
                    } catch (IOException e) {
                        throw StorageException.of("cannot read block " + id + " of " + key + ": " + e, e);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            awaitAll(staged);
        } catch (RuntimeException e) {
            staged.forEach(f -> f.cancel(true));
            throw e;
        }
        return new ContentInfo(digest, size, commit(key, ids, condition, size));
    }

    /** Streams content of known digest: hashed as it is read, staged block by block, committed only if it matches. */
    private final class StreamUpload {
        private final StoreKey key;
        private final Digest expected;
        private final InputStream in;

        StreamUpload(StoreKey key, Digest expected, InputStream in) {
            this.key = key;
            this.expected = expected;
            this.in = in;
        }

        ContentInfo run() throws IOException {
            MessageDigest sha = Digest.newSha256();
            byte[] first = in.readNBytes(shared.blockSize);
            sha.update(first);
            int next = in.read();
            if (next < 0) {
                requireDigest(expected, Digest.ofHash(sha.digest()), first.length);
                return new ContentInfo(expected, first.length, putSmall(key, first));
            }
            String nonce = nonce();
            List<String> ids = new ArrayList<>();
            List<Future<?>> staged = new ArrayList<>();
            Semaphore inFlight = new Semaphore(shared.parallelism);
            long size = 0;
            try {
                byte[] block = first;
                int carry = next;
                while (true) {
                    String id = blockId(nonce, ids.size());
                    ids.add(id);
                    size += block.length;
                    byte[] bytes = block;
                    acquire(inFlight);
                    staged.add(shared.pool.submit(() -> {
                        try {
                            stage(key, id, bytes);
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    }));
                    if (carry < 0) {
                        break;
                    }
                    // the byte read to learn that the stream goes on starts the next block
                    byte[] rest = in.readNBytes(shared.blockSize - 1);
                    block = new byte[rest.length + 1];
                    block[0] = (byte) carry;
                    System.arraycopy(rest, 0, block, 1, rest.length);
                    sha.update(block);
                    carry = in.read();
                }
                requireDigest(expected, Digest.ofHash(sha.digest()), size);
                awaitAll(staged);
            } catch (IOException | RuntimeException e) {
                // staged blocks that are never committed are discarded by the service
                staged.forEach(f -> f.cancel(true));
                throw e;
            }
            boolean created = commit(key, ids, new BlobRequestConditions().setIfNoneMatch("*"), size);
            return new ContentInfo(expected, size, created);
        }
    }

    private static void requireDigest(Digest expected, Digest actual, long size) {
        if (!expected.equals(actual)) {
            throw new IntegrityException("content does not match its expected digest: expected " + expected + ", got "
                    + actual + " (" + size + " bytes); nothing was stored");
        }
    }

    private boolean putSingle(StoreKey key, byte[] bytes, BlobRequestConditions condition) {
        // a lost condition: another writer stored the same content first
        return putConditional("put-content", "store content " + key, key, bytes, condition, false)
                .isPresent();
    }

    /**
     * One conditional PUT of a whole blob.
     *
     * @param absentIsLost whether a 404 (an {@code If-Match} on a blob that is gone) also means the condition was lost
     * @return the new ETag, or empty if the condition was lost
     */
    private Optional<String> putConditional(
            String operation,
            String what,
            StoreKey key,
            byte[] bytes,
            BlobRequestConditions condition,
            boolean absentIsLost) {
        return call(operation, () -> what + " in " + this, () -> {
            try {
                return Optional.of(block(key)
                        .uploadWithResponse(
                                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
                                        .setRequestConditions(condition),
                                callTimeout,
                                Context.NONE)
                        .getValue()
                        .getETag());
            } catch (BlobStorageException e) {
                if (BlobFailures.isConditionLost(e) || (absentIsLost && BlobFailures.isNotFound(e))) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    private void stage(StoreKey key, String id, byte[] bytes) {
        call("stage-block", () -> "stage a block of " + key + " in " + this, () -> {
            block(key)
                    .stageBlockWithResponse(
                            id, new ByteArrayInputStream(bytes), bytes.length, null, null, callTimeout, Context.NONE);
            return null;
        });
    }

    private boolean commit(StoreKey key, List<String> ids, BlobRequestConditions condition, long size) {
        return call("commit-blocks", () -> "commit the blocks of " + key + " in " + this, () -> {
            try {
                block(key)
                        .commitBlockListWithResponse(
                                new BlockBlobCommitBlockListOptions(ids).setRequestConditions(condition),
                                callTimeout,
                                Context.NONE);
                return true;
            } catch (BlobStorageException e) {
                if (BlobFailures.isConditionLost(e)) {
                    return false;
                }
                // another writer committed first, and the service dropped the blocks this one staged
                if (e.getStatusCode() == 400
                        && e.getErrorCode() != null
                        && "InvalidBlockList".equals(e.getErrorCode().toString())) {
                    Optional<BlobProperties> now = headOnce(key);
                    if (now.isPresent() && now.get().getBlobSize() == size) {
                        return false;
                    }
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        return head(ObjectStore.contentKey(digest)).map(p -> new ContentInfo(digest, p.getBlobSize(), false));
    }

    /** From this many digests on, a lookup lists the contents first ({@link #findContents}). */
    private static final int LISTED_LOOKUP_MIN = 64;
    /** Names per page of that listing, the service's maximum. */
    private static final int LISTED_LOOKUP_PAGE = 5000;

    /**
     * Looks the digests up: many at once by listing the container's contents first, as long as that costs fewer
     * requests than a HEAD per digest would (a page names up to 5,000 contents with their sizes: one request answers a
     * push of 1,000 files into a new lake, which 1,000 HEADs answered before); the digests the listing did not reach
     * are looked up in parallel, one HEAD each, at most {@link Builder#parallelism} at a time.
     */
    @Override
    public Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
        Map<Digest, ContentInfo> found = new ConcurrentHashMap<>();
        List<Digest> distinct = List.copyOf(new LinkedHashSet<>(digests));
        if (distinct.size() >= LISTED_LOOKUP_MIN) {
            distinct = findListed(distinct, found);
        }
        if (distinct.isEmpty()) {
            return found;
        }
        if (distinct.size() == 1) {
            findContent(distinct.get(0)).ifPresent(info -> found.put(info.digest(), info));
            return found;
        }
        Semaphore inFlight = new Semaphore(shared.parallelism);
        List<Future<?>> lookups = new ArrayList<>(distinct.size());
        try {
            for (Digest digest : distinct) {
                acquire(inFlight);
                lookups.add(shared.pool.submit(() -> {
                    try {
                        findContent(digest).ifPresent(info -> found.put(digest, info));
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            awaitAll(lookups);
        } catch (RuntimeException e) {
            lookups.forEach(f -> f.cancel(true));
            throw e;
        }
        return found;
    }

    /**
     * Lists the contents in name order, at most one page per 20 digests asked (a HEAD each would cost 20 requests),
     * and answers every digest whose key the listing passed: found with its size, or known absent.
     *
     * @return the digests the listing did not reach, to look up one by one
     */
    private List<Digest> findListed(List<Digest> digests, Map<Digest, ContentInfo> found) {
        String prefix = ObjectStore.CONTENT_PREFIX;
        Map<String, Digest> byKey = new java.util.HashMap<>(digests.size() * 2);
        digests.forEach(d -> byKey.put(ObjectStore.contentKey(d).value(), d));
        int pages = Math.max(1, digests.size() / 20);
        String token = null;
        String reached = "";
        for (int page = 0; page < pages; page++) {
            Page<BlobItem> items = listPage(prefix, token, LISTED_LOOKUP_PAGE);
            for (BlobItem item : items.items()) {
                String key = item.getName().substring(shared.blobPrefix.length());
                Digest digest = byKey.get(key);
                Long size = item.getProperties().getContentLength();
                if (digest != null && size != null) {
                    found.put(digest, new ContentInfo(digest, size, false));
                }
                reached = key.compareTo(reached) > 0 ? key : reached;
            }
            token = items.continuationToken();
            if (token == null) {
                return List.of(); // listed to the end: what it did not name is absent
            }
        }
        List<Digest> rest = new ArrayList<>();
        for (Map.Entry<String, Digest> entry : byKey.entrySet()) {
            if (entry.getKey().compareTo(reached) > 0) {
                rest.add(entry.getValue());
            }
        }
        return rest;
    }

    @Override
    public InputStream openContent(Digest digest) {
        return openRange(digest, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "a byte range needs offset >= 0 and length >= 0, got offset " + offset + ", length " + length);
        }
        if (length == 0) {
            if (findContent(digest).isEmpty()) {
                throw notFound(digest);
            }
            return InputStream.nullInputStream();
        }
        return openRange(digest, offset, length);
    }

    private InputStream openRange(Digest digest, long offset, long length) {
        StoreKey key = ObjectStore.contentKey(digest);
        long firstLength = Math.min(length, shared.blockSize);
        Optional<Chunk> first = fetch(key, offset, firstLength);
        if (first.isEmpty()) {
            throw notFound(digest);
        }
        Chunk chunk = first.get();
        long end = length == Long.MAX_VALUE ? chunk.total() : Math.min(chunk.total(), offset + length);
        if (offset + chunk.bytes().length >= end) {
            return new ByteArrayInputStream(chunk.bytes());
        }
        return new ChunkedStream(
                chunk.bytes(),
                offset + chunk.bytes().length,
                end,
                (at, n) -> fetch(key, at, n)
                        .orElseThrow(() -> new NotFoundException("content " + digest + " was deleted from " + this
                                + " while it was read; read it again")));
    }

    private NotFoundException notFound(Digest digest) {
        return new NotFoundException("no content " + digest + " in " + this
                + "; check the digest, or push the dataset that holds it to this lake");
    }

    /** The bytes of one ranged GET, and the size of the whole blob. */
    private static final class Chunk {
        private final byte[] bytes;
        private final long total;

        Chunk(byte[] bytes, long total) {
            this.bytes = bytes;
            this.total = total;
        }

        byte[] bytes() {
            return bytes;
        }

        long total() {
            return total;
        }
    }

    /** One ranged GET; empty if the blob is absent. A range past the end gives no bytes. */
    private Optional<Chunk> fetch(StoreKey key, long offset, long length) {
        return call("get-content", () -> "read " + key + " from " + this, () -> {
            try {
                BlobDownloadContentResponse response = blob(key)
                        .downloadContentWithResponse(
                                null, null, new BlobRange(offset, length), false, callTimeout, Context.NONE);
                byte[] bytes = response.getValue().toBytes();
                String range = response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.CONTENT_RANGE);
                long total = range != null && range.lastIndexOf('/') >= 0
                        ? Long.parseLong(
                                range.substring(range.lastIndexOf('/') + 1).strip())
                        : offset + bytes.length;
                return Optional.of(new Chunk(bytes, total));
            } catch (BlobStorageException e) {
                if (BlobFailures.isNotFound(e)) {
                    return Optional.empty();
                }
                if (BlobFailures.isRangeNotSatisfiable(e)) {
                    return Optional.of(new Chunk(new byte[0], offset));
                }
                throw e;
            }
        });
    }

    /** Reads the rest of a large range in chunks, fetching up to {@link Builder#parallelism} ahead. */
    private final class ChunkedStream extends InputStream {
        private final java.util.ArrayDeque<CompletableFuture<Chunk>> ahead = new java.util.ArrayDeque<>();
        private final ChunkFetcher fetcher;
        private final long end;
        private long nextFetch;
        private byte[] current;
        private int position;
        private boolean closed;

        ChunkedStream(byte[] first, long nextFetch, long end, ChunkFetcher fetcher) {
            this.current = first;
            this.nextFetch = nextFetch;
            this.end = end;
            this.fetcher = fetcher;
            fill();
        }

        private void fill() {
            while (ahead.size() < shared.parallelism && nextFetch < end) {
                long at = nextFetch;
                long n = Math.min(shared.blockSize, end - at);
                ahead.add(CompletableFuture.supplyAsync(() -> fetcher.fetch(at, n), shared.pool));
                nextFetch += n;
            }
        }

        private boolean advance() throws IOException {
            while (position >= current.length) {
                CompletableFuture<Chunk> next = ahead.poll();
                if (next == null) {
                    return false;
                }
                current = await(next).bytes();
                position = 0;
                fill();
                if (current.length == 0) {
                    return false; // the blob is shorter than it was: the reader's digest check says so
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (closed || !advance()) {
                return -1;
            }
            return current[position++] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            if (closed || !advance()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
            ahead.forEach(f -> f.cancel(true));
            ahead.clear();
        }

        private Chunk await(CompletableFuture<Chunk> future) throws IOException {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading from " + shared.location);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(e.getCause());
            }
        }
    }

    @FunctionalInterface
    private interface ChunkFetcher {
        Chunk fetch(long offset, long length);
    }

    // --- records and pointers ------------------------------------------------------------------------------------

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        requireRecordKey(key);
        return putConditional(
                        "create-if-absent",
                        "create " + key,
                        key,
                        bytes.clone(),
                        new BlobRequestConditions().setIfNoneMatch("*"),
                        false)
                .isPresent();
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        requireRecordKey(key);
        BlobRequestConditions condition = expected == null
                ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(expected.value());
        return putConditional("compare-and-set", "move " + key, key, bytes.clone(), condition, expected != null)
                .map(ObjectTag::new);
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        return call("get", () -> "read " + key + " from " + this, () -> {
            try {
                BlobDownloadContentResponse response =
                        blob(key).downloadContentWithResponse(null, null, callTimeout, Context.NONE);
                return Optional.of(new StoredObject(
                        key,
                        response.getValue().toBytes(),
                        new ObjectTag(response.getDeserializedHeaders().getETag())));
            } catch (BlobStorageException e) {
                if (BlobFailures.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public boolean exists(StoreKey key) {
        return head(key).isPresent();
    }

    private Optional<BlobProperties> head(StoreKey key) {
        return call("head", () -> "look up " + key + " in " + this, () -> headOnce(key));
    }

    private Optional<BlobProperties> headOnce(StoreKey key) {
        try {
            return Optional.of(blob(key)
                    .getPropertiesWithResponse(null, callTimeout, Context.NONE)
                    .getValue());
        } catch (BlobStorageException e) {
            if (BlobFailures.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        Objects.requireNonNull(prefix, "prefix");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be at least 1, got " + maxResults);
        }
        Page<BlobItem> page = listPage(prefix, continuationToken, maxResults);
        List<StoreKey> keys = new ArrayList<>(page.items().size());
        for (BlobItem item : page.items()) {
            keys.add(StoreKey.of(item.getName().substring(shared.blobPrefix.length())));
        }
        // Azurite orders names by UTF-16 units; the contract, like the service, by UTF-8 bytes (they differ only
        // for characters above U+FFFF): order each page as the contract says
        keys.sort(null);
        return new Page<>(keys, page.continuationToken());
    }

    /** One page of List Blobs under a key prefix: one request, through the retry policy. */
    private Page<BlobItem> listPage(String prefix, @Nullable String continuationToken, int maxResults) {
        return call("list", () -> "list '" + prefix + "' in " + this, () -> {
            ListBlobsOptions options =
                    new ListBlobsOptions().setPrefix(shared.blobPrefix + prefix).setMaxResultsPerPage(maxResults);
            PagedResponse<BlobItem> page = shared.container
                    .listBlobs(options, continuationToken, callTimeout)
                    .iterableByPage(continuationToken, maxResults)
                    .iterator()
                    .next();
            String next = page.getContinuationToken();
            return new Page<>(page.getValue(), next == null || next.isEmpty() ? null : next);
        });
    }

    @Override
    public boolean delete(StoreKey key) {
        return call("delete", () -> "delete " + key + " from " + this, () -> {
            try {
                blob(key).deleteWithResponse(null, null, callTimeout, Context.NONE);
                return true;
            } catch (BlobStorageException e) {
                if (BlobFailures.isNotFound(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    // --- the store -----------------------------------------------------------------------------------------------

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Clock clock() {
        return shared.clock;
    }

    @Override
    public Optional<Duration> getCallTimeout() {
        return Optional.of(callTimeout);
    }

    @Override
    public ObjectStore withCallTimeout(Duration timeout) {
        return new AzureBlobObjectStore(shared, ObjectStore.requirePositiveTimeout(timeout), true);
    }

    @Override
    public void close() {
        if (!view) {
            shared.pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "AzureBlobObjectStore{" + shared.location + "}";
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** One request through the core's retry policy (the SDK's own retries are off); failures mapped and redacted. */
    private <T> T call(String operation, Supplier<String> what, Supplier<T> request) {
        return shared.retry.executeIdempotent(BlobFailures.BACKEND, operation, () -> {
            try {
                return request.get();
            } catch (MlopsException e) {
                throw e;
            } catch (RuntimeException e) {
                throw shared.failures.map(e, what.get());
            }
        });
    }

    private BlobClient blob(StoreKey key) {
        return shared.container.getBlobClient(shared.blobPrefix + key.value());
    }

    private BlockBlobClient block(StoreKey key) {
        return blob(key).getBlockBlobClient();
    }

    private static void requireRecordKey(StoreKey key) {
        if (ObjectStore.isContentKey(key)) {
            throw new IllegalArgumentException(
                    "'" + key + "' is a content key; store content with putContent, which checks its digest");
        }
    }

    private static String nonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    /** Block ids of one blob must all have the same length: a fixed-width nonce and index, Base64-encoded. */
    private static String blockId(String nonce, int index) {
        return Base64.getEncoder()
                .encodeToString(String.format("%s-%08d", nonce, index).getBytes(StandardCharsets.US_ASCII));
    }

    private void acquire(Semaphore semaphore) {
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while writing to " + this, false, e);
        }
    }

    private void awaitAll(List<Future<?>> futures) {
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while writing to " + this, false, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new StorageException("a request to " + this + " failed: " + e.getCause(), false, e.getCause());
            }
        }
    }

    /**
     * Sets up an {@link AzureBlobObjectStore}. A location is required; credentials are a connection string, a SAS
     * token (or one in the location's URL), or an Azure identity ({@code TokenCredential}); none of them appears in
     * any message or {@code toString()}. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable BlobLocation location;
        private @Nullable String connectionString;
        private @Nullable String sasToken;
        private com.azure.core.credential.@Nullable TokenCredential credential;
        private @Nullable String endpoint;
        private Duration callTimeout = Duration.ofSeconds(60);
        private @Nullable RetryPolicy retryPolicy;
        private int parallelism = 8;
        private int blockSize = 4 * 1024 * 1024;
        private boolean createContainer;
        private @Nullable Path spillDirectory;

        private Builder() {}

        /**
         * Sets where the lake lies: {@code azblob://<account>/<container>[/prefix]} or
         * {@code https://<account>.blob.core.windows.net/<container>[/prefix][?<sas>]}.
         *
         * @param location the location
         * @return this builder
         * @throws IllegalArgumentException if it is not such a location (shown without its secrets)
         */
        public Builder location(String location) {
            this.location = BlobLocation.parse(Objects.requireNonNull(location, "location"));
            return this;
        }

        /**
         * Authenticates with a connection string ({@code AccountName=…;AccountKey=…} or with a
         * {@code SharedAccessSignature=…}); its {@code BlobEndpoint}, if any, is the endpoint.
         *
         * @param connectionString the connection string
         * @return this builder
         */
        public Builder connectionString(String connectionString) {
            this.connectionString = Objects.requireNonNull(connectionString, "connectionString");
            return this;
        }

        /**
         * Authenticates with a SAS token, with or without its leading {@code ?}.
         *
         * @param sasToken the token
         * @return this builder
         */
        public Builder sasToken(String sasToken) {
            String token = Objects.requireNonNull(sasToken, "sasToken").strip();
            this.sasToken = token.startsWith("?") ? token.substring(1) : token;
            return this;
        }

        /**
         * Authenticates with an Azure identity, e.g. {@code new DefaultAzureCredentialBuilder().build()}.
         *
         * @param credential the credential
         * @return this builder
         */
        public Builder credential(com.azure.core.credential.TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /**
         * Sets the account's blob endpoint, for emulators and private endpoints (default:
         * {@code https://<account>.blob.core.windows.net}, or the connection string's).
         *
         * @param endpoint the endpoint, e.g. {@code http://127.0.0.1:10000/devstoreaccount1}
         * @return this builder
         */
        public Builder endpoint(String endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets the longest one request may take (default 60 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = ObjectStore.requirePositiveTimeout(timeout);
            return this;
        }

        /**
         * Sets the retry policy of every request (default {@link RetryPolicy#ofDefaults()}); the SDK's own retries
         * stay off.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets how many requests one upload, download or lookup has in flight (default 8); memory per transfer is
         * about this many blocks.
         *
         * @param requests 1 to 64
         * @return this builder
         * @throws IllegalArgumentException if it is outside 1 to 64
         */
        public Builder parallelism(int requests) {
            if (requests < 1 || requests > 64) {
                throw new IllegalArgumentException("parallelism is 1 to 64, got " + requests);
            }
            this.parallelism = requests;
            return this;
        }

        /**
         * Sets the size of a block of an upload and of a chunk of a download (default 4 MiB); content up to this
         * size is sent in one request.
         *
         * @param bytes 64 KiB to 100 MiB
         * @return this builder
         * @throws IllegalArgumentException if it is outside that range
         */
        public Builder blockSize(int bytes) {
            if (bytes < 64 * 1024 || bytes > 100 * 1024 * 1024) {
                throw new IllegalArgumentException("blockSize is 64 KiB to 100 MiB, got " + bytes);
            }
            this.blockSize = bytes;
            return this;
        }

        /**
         * Creates the container when the store is built, if it is missing (default false).
         *
         * @param create whether to create it
         * @return this builder
         */
        public Builder createContainerIfMissing(boolean create) {
            this.createContainer = create;
            return this;
        }

        /**
         * Sets where content of unknown digest waits, beyond one block, until it is hashed (default: the system's
         * temp directory).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder spillDirectory(Path directory) {
            this.spillDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** {@link AzureBlobObjectStore#fromEnvironment()} with the environment given (tests plant values in it). */
        static Builder fromEnvironment(java.util.function.Function<String, @Nullable String> env) {
            String lake = env.apply("MLOPS4J_LAKE");
            if (lake == null || lake.isBlank()) {
                throw new IllegalArgumentException("MLOPS4J_LAKE is not set; set it to azblob://<account>/<container>"
                        + "[/prefix] or https://<account>.blob.core.windows.net/<container>[/prefix]");
            }
            return fromEnvironment(lake, env);
        }

        /**
         * A builder for the lake at {@code lake}, with the credentials the environment holds (the order of {@link
         * AzureBlobObjectStore#fromEnvironment()}), creating the container if missing.
         */
        static Builder fromEnvironment(String lake, java.util.function.Function<String, @Nullable String> env) {
            Builder builder = builder().location(lake).createContainerIfMissing(true);
            String connection = env.apply("AZURE_STORAGE_CONNECTION_STRING");
            String sas = env.apply("AZURE_STORAGE_SAS_TOKEN");
            if (builder.location != null && builder.location.sas() != null) {
                return builder; // the URL's SAS
            }
            if (connection != null && !connection.isBlank()) {
                return builder.connectionString(connection);
            }
            if (sas != null && !sas.isBlank()) {
                return builder.sasToken(sas);
            }
            return builder.credential(new com.azure.identity.DefaultAzureCredentialBuilder().build());
        }

        /**
         * Builds the store; with {@link #createContainerIfMissing}, creates the container first.
         *
         * @return the store; close it when done
         * @throws IllegalStateException if no location or no credential was given, or more than one credential
         * @throws MlopsException if the container cannot be created
         */
        public AzureBlobObjectStore build() {
            BlobLocation where = location;
            if (where == null) {
                throw new IllegalStateException(
                        "an Azure Blob store needs a location: call location(\"azblob://" + "<account>/<container>\")");
            }
            String sas = sasToken != null ? sasToken : where.sas();
            int credentials = (connectionString != null ? 1 : 0) + (sas != null ? 1 : 0) + (credential != null ? 1 : 0);
            if (credentials != 1) {
                throw new IllegalStateException("an Azure Blob store needs exactly one credential: a connection string,"
                        + " a SAS token (or one in the location URL) or a TokenCredential; got " + credentials);
            }
            List<String> secrets = new ArrayList<>();
            com.azure.storage.blob.BlobContainerClientBuilder clients =
                    new com.azure.storage.blob.BlobContainerClientBuilder().containerName(where.container());
            if (connectionString != null) {
                clients.connectionString(connectionString);
                secrets.addAll(ConnectionStrings.secrets(connectionString));
                String account = ConnectionStrings.value(connectionString, "AccountName");
                if (account != null && !account.equals(where.account())) {
                    throw new IllegalArgumentException("the connection string is for account '" + account
                            + "', the lake location names '" + where.account() + "'");
                }
            }
            String serviceEndpoint = endpoint != null
                    ? endpoint
                    : where.endpoint() != null
                            ? where.endpoint()
                            : connectionString != null ? null : "https://" + where.account() + ".blob.core.windows.net";
            if (serviceEndpoint != null) {
                clients.endpoint(stripSlash(serviceEndpoint) + "/" + where.container());
            }
            if (sas != null) {
                clients.sasToken(sas);
                secrets.add(sas);
                ConnectionStrings.sasSignature(sas).ifPresent(secrets::add);
            }
            if (credential != null) {
                clients.credential(credential);
            }
            // the core's retry policy is the only retry layer: one try per SDK request
            clients.retryOptions(new com.azure.storage.common.policy.RequestRetryOptions(
                    com.azure.storage.common.policy.RetryPolicyType.FIXED, 1, (Integer) null, null, null, null));
            ServiceClock[] clock = new ServiceClock[1];
            BlobContainerClient[] container = new BlobContainerClient[1];
            String blobPrefix = where.blobPrefix();
            clock[0] = new ServiceClock(() -> {
                try {
                    container[0]
                            .getBlobClient(blobPrefix + "lake.json")
                            .getPropertiesWithResponse(null, callTimeout, Context.NONE);
                } catch (RuntimeException e) {
                    // any answer, 404 too, carries the service's Date
                }
            });
            clients.addPolicy(clock[0]);
            container[0] = clients.buildClient();
            BlobFailures failures = new BlobFailures(secrets);
            ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism, r -> {
                Thread t = new Thread(r, "mlops4j-azure-blob");
                t.setDaemon(true);
                return t;
            });
            RetryPolicy retry = retryPolicy != null ? retryPolicy : RetryPolicy.ofDefaults();
            Shared shared = new Shared(
                    container[0],
                    blobPrefix,
                    where.display(),
                    pool,
                    clock[0],
                    failures,
                    retry,
                    blockSize,
                    parallelism,
                    spillDirectory != null ? spillDirectory : Path.of(System.getProperty("java.io.tmpdir")));
            AzureBlobObjectStore store = new AzureBlobObjectStore(shared, callTimeout, false);
            if (createContainer) {
                try {
                    store.call("create-container", () -> "create the container of " + where.display(), () -> {
                        try {
                            return container[0]
                                    .createIfNotExistsWithResponse(null, callTimeout, Context.NONE)
                                    .getValue();
                        } catch (BlobStorageException e) {
                            if (e.getStatusCode() == 403 || e.getStatusCode() == 409) {
                                return false; // a SAS scoped to the container may not create it, nor need to
                            }
                            throw e;
                        }
                    });
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
            }
            return store;
        }

        private static String stripSlash(String text) {
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        }

        @Override
        public String toString() {
            return "AzureBlobObjectStore.Builder{" + (location == null ? "no location" : location.display())
                    + (connectionString != null ? ", connection string" : "")
                    + (sasToken != null ? ", SAS token" : "")
                    + (credential != null
                            ? ", credential " + credential.getClass().getSimpleName()
                            : "") + "}";
        }
    }
}
