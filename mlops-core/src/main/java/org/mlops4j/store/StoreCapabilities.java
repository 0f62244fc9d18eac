package org.mlops4j.store;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link ObjectStore} does natively, so that the data layer takes the cheapest correct path on each store
 * (DESIGN §3.1). The contract holds on every store whatever it reports; capabilities only change the cost.
 *
 * <ul>
 *   <li><b>ranged reads</b>: {@link ObjectStore#openContent(Digest, long, long)} reads only the range (a ranged GET,
 *       a seek), instead of skipping through the content: packed small files are read through it.
 *   <li><b>native conditional writes</b>: {@link ObjectStore#createIfAbsent} and {@link ObjectStore#compareAndSet}
 *       are atomic in the backend itself ({@code If-None-Match: *}, {@code If-Match}, {@code link()} with locks on one
 *       host). A store without them emulates them under a lease, which costs requests.
 *   <li><b>server time</b>: {@link ObjectStore#clock()} reads the time the backend keeps, which every host that
 *       shares the store sees alike; leases and other expiry use it. Without it the clock is the host's own, which
 *       is only safe when one host uses the store.
 *   <li><b>atomic rename</b>: content whose digest is not known in advance is written once, hashed while it is
 *       written, then renamed to its digest (a local file). Without it (a blob cannot be renamed) the data layer
 *       hashes a seekable source first and uploads it only when {@link ObjectStore#findContents} does not find it;
 *       the store itself stages a plain stream before it knows where it goes.
 *   <li><b>local calls</b>: each call is a system call on this host (microseconds), not a network request (5 to 50
 *       ms). The data layer then checks what it takes on trust from a remote store: for instance that each directory
 *       tree a stat cache remembers is still in the lake, not only the root it belongs to, so that a re-snapshot heals
 *       a lake that lost a tree.
 * </ul>
 *
 * <p>Immutable and thread-safe; derive a value with the {@code with…} methods:
 *
 * <pre>{@code
 * StoreCapabilities blob = StoreCapabilities.none().withRangedReads().withNativeConditionalWrites().withServerTime();
 * }</pre>
 */
public final class StoreCapabilities {
    private static final StoreCapabilities NONE = new StoreCapabilities(false, false, false, false, false);

    private final boolean rangedReads;
    private final boolean nativeConditionalWrites;
    private final boolean serverTime;
    private final boolean atomicRename;
    private final boolean localCalls;

    private StoreCapabilities(
            boolean rangedReads,
            boolean nativeConditionalWrites,
            boolean serverTime,
            boolean atomicRename,
            boolean localCalls) {
        this.rangedReads = rangedReads;
        this.nativeConditionalWrites = nativeConditionalWrites;
        this.serverTime = serverTime;
        this.atomicRename = atomicRename;
        this.localCalls = localCalls;
    }

    /** Returns the capabilities of a store that does nothing natively: what a store that does not say reports. */
    public static StoreCapabilities none() {
        return NONE;
    }

    /** Returns these capabilities with ranged reads. */
    public StoreCapabilities withRangedReads() {
        return new StoreCapabilities(true, nativeConditionalWrites, serverTime, atomicRename, localCalls);
    }

    /** Returns these capabilities with native conditional writes. */
    public StoreCapabilities withNativeConditionalWrites() {
        return new StoreCapabilities(rangedReads, true, serverTime, atomicRename, localCalls);
    }

    /** Returns these capabilities with server time. */
    public StoreCapabilities withServerTime() {
        return new StoreCapabilities(rangedReads, nativeConditionalWrites, true, atomicRename, localCalls);
    }

    /** Returns these capabilities with atomic rename. */
    public StoreCapabilities withAtomicRename() {
        return new StoreCapabilities(rangedReads, nativeConditionalWrites, serverTime, true, localCalls);
    }

    /** Returns these capabilities with local calls. */
    public StoreCapabilities withLocalCalls() {
        return new StoreCapabilities(rangedReads, nativeConditionalWrites, serverTime, atomicRename, true);
    }

    /** Returns true when a byte range of content is read without reading what comes before it. */
    public boolean hasRangedReads() {
        return rangedReads;
    }

    /** Returns true when create-if-absent and compare-and-set are atomic in the backend itself. */
    public boolean hasNativeConditionalWrites() {
        return nativeConditionalWrites;
    }

    /** Returns true when {@link ObjectStore#clock()} is the backend's time, shared by every host. */
    public boolean hasServerTime() {
        return serverTime;
    }

    /** Returns true when content of unknown digest is written once and renamed into place. */
    public boolean hasAtomicRename() {
        return atomicRename;
    }

    /** Returns true when a call is a system call on this host rather than a network request. */
    public boolean hasLocalCalls() {
        return localCalls;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof StoreCapabilities other
                && rangedReads == other.rangedReads
                && nativeConditionalWrites == other.nativeConditionalWrites
                && serverTime == other.serverTime
                && atomicRename == other.atomicRename
                && localCalls == other.localCalls;
    }

    @Override
    public int hashCode() {
        return (rangedReads ? 1 : 0)
                | (nativeConditionalWrites ? 2 : 0)
                | (serverTime ? 4 : 0)
                | (atomicRename ? 8 : 0)
                | (localCalls ? 16 : 0);
    }

    @Override
    public String toString() {
        return "StoreCapabilities{rangedReads=" + rangedReads + ", nativeConditionalWrites=" + nativeConditionalWrites
                + ", serverTime=" + serverTime + ", atomicRename=" + atomicRename + ", localCalls=" + localCalls + "}";
    }
}
