package org.mlops4j.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocates gap-free version numbers 1, 2, 3, … for a series of immutable records (dataset versions, model
 * versions), shared by every writer of a store without any lock (DESIGN §3.1).
 *
 * <p>A version is claimed by {@link ObjectStore#createIfAbsent} of {@code <series>/<n+1 as 8 digits>.json}. Each
 * record carries the writer's commit id, so that after a conflict, or a failure whose response was lost, the writer
 * reads the record back and knows whether it is its own. The highest number is found by probing forward from a hint
 * (exponentially, then by bisection), never by listing the series; the hint is a pointer beside the series that only
 * moves forward, so numbers freed by garbage collection below it are never handed out again. Garbage collection
 * must keep each series' highest version.
 *
 * <p><b>Round trips.</b> An instance remembers the highest version it saw of each series and the hint's tag: the
 * first allocation of a series in a process reads the hint and probes twice (the hint's version, the one after it),
 * later ones probe once, and a fresh commit ({@link #allocateFresh}) not at all: it creates the number after the
 * highest it saw, which fails if another writer took it; the hint is then moved by compare-and-set against the tag
 * it last saw.
 * Other writers' versions since cost one probe more for each doubling of their number.
 *
 * <p>Thread-safe; one instance per store is enough.
 */
public final class VersionAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(VersionAllocator.class);
    private static final int MAX_ATTEMPTS = 10_000;

    private final ObjectStore store;
    private final ConcurrentHashMap<StoreKey, Long> knownHighest = new ConcurrentHashMap<>();
    /** Each series' hint as this instance last read or wrote it. */
    private final ConcurrentHashMap<StoreKey, Hint> hints = new ConcurrentHashMap<>();

    /**
     * A hint as last seen.
     *
     * @param value its number, 0 when absent
     * @param tag its tag, null when absent
     */
    private record Hint(long value, @Nullable ObjectTag tag) {}

    /**
     * Creates an allocator.
     *
     * @param store the store that holds the series
     */
    public VersionAllocator(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Returns the key of version {@code n} in a series: {@code <series>/00000042.json}.
     *
     * @param series the series' key, e.g. {@code datasets/churn/v}
     * @param n the version, at least 1
     * @return the record's key
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static StoreKey versionKey(StoreKey series, long n) {
        if (n < 1) {
            throw new IllegalArgumentException("versions start at 1, got " + n);
        }
        // Padded by hand: String.format's first use costs milliseconds on the path of every snapshot.
        String digits = Long.toString(n);
        return series.resolve("00000000".substring(Math.min(digits.length(), 8)) + digits + ".json");
    }

    /**
     * Finds the highest version of a series, 0 if it has none, by probing forward from the series' hint.
     *
     * @param series the series' key
     * @return the highest version number
     */
    public long findHighest(StoreKey series) {
        Long known = knownHighest.get(series);
        long low;
        if (known != null) {
            low = known; // seen by this instance, and garbage collection keeps each series' highest version
        } else {
            low = readHint(series);
            if (low > 0 && !store.exists(versionKey(series, low))) {
                low = 0; // a hint above every record: only a damaged or hand-edited lake has one; probe from start
            }
        }
        long step = 1;
        long high;
        while (true) {
            long probe = low + step;
            if (store.exists(versionKey(series, probe))) {
                low = probe;
                step *= 2;
            } else {
                high = probe;
                break;
            }
        }
        while (high - low > 1) {
            long mid = low + (high - low) / 2;
            if (store.exists(versionKey(series, mid))) {
                low = mid;
            } else {
                high = mid;
            }
        }
        remember(series, low);
        return low;
    }

    /**
     * Claims the next version of a series for a record.
     *
     * @param series the series' key
     * @param commitId a unique id of this commit, also written inside the record
     * @param recordForVersion builds the record's bytes for a given version number
     * @param commitIdOf reads the commit id back out of a stored record
     * @return the claimed version, and how many conflicts it took
     * @throws MlopsException if the store fails, or no version could be claimed after many attempts
     */
    public AllocatedVersion allocate(
            StoreKey series,
            String commitId,
            LongFunction<byte[]> recordForVersion,
            Function<byte[], String> commitIdOf) {
        return allocate(series, commitId, recordForVersion, commitIdOf, true);
    }

    /**
     * Claims the next version of a series for a commit whose id no earlier call used (a fresh random id), so no
     * earlier attempt of it can have landed: as {@link #allocate}, one request fewer (the highest record is not read
     * to see whether it is this commit's). A lost response within this call is still recognised.
     *
     * @param series the series' key
     * @param commitId a new, unique id of this commit, also written inside the record
     * @param recordForVersion builds the record's bytes for a given version number
     * @param commitIdOf reads the commit id back out of a stored record
     * @return the claimed version, and how many conflicts it took
     * @throws MlopsException if the store fails, or no version could be claimed after many attempts
     */
    public AllocatedVersion allocateFresh(
            StoreKey series,
            String commitId,
            LongFunction<byte[]> recordForVersion,
            Function<byte[], String> commitIdOf) {
        return allocate(series, commitId, recordForVersion, commitIdOf, false);
    }

    private AllocatedVersion allocate(
            StoreKey series,
            String commitId,
            LongFunction<byte[]> recordForVersion,
            Function<byte[], String> commitIdOf,
            boolean mayBeRetried) {
        Objects.requireNonNull(commitId, "commitId");
        // a fresh commit tries the number after the highest this instance saw: creating it is the probe, and a
        // conflict sends it to findHighest like any lost race
        Long known = mayBeRetried ? null : knownHighest.get(series);
        long highest = known != null ? known : findHighest(series);
        if (mayBeRetried && highest > 0 && isOwn(versionKey(series, highest), commitId, commitIdOf)) {
            return new AllocatedVersion(highest, versionKey(series, highest), true, 0); // an earlier attempt landed
        }
        int conflicts = 0;
        long candidate = highest + 1;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            StoreKey key = versionKey(series, candidate);
            boolean created;
            try {
                created = store.createIfAbsent(key, recordForVersion.apply(candidate));
            } catch (MlopsException e) {
                // The write may have landed even though the response was lost: look before giving up.
                if (isOwn(key, commitId, commitIdOf)) {
                    return done(series, new AllocatedVersion(candidate, key, true, conflicts));
                }
                throw e;
            }
            if (created) {
                return done(series, new AllocatedVersion(candidate, key, false, conflicts));
            }
            if (isOwn(key, commitId, commitIdOf)) {
                return done(series, new AllocatedVersion(candidate, key, true, conflicts));
            }
            conflicts++;
            remember(series, candidate);
            candidate = findHighest(series) + 1;
        }
        throw new MlopsException("could not claim a version in '" + series + "' after " + MAX_ATTEMPTS
                + " attempts; too many concurrent writers, try again");
    }

    private AllocatedVersion done(StoreKey series, AllocatedVersion allocated) {
        remember(series, allocated.number());
        try {
            advanceHint(series, allocated.number());
        } catch (MlopsException e) {
            // The version is claimed and its record written: failing now would tell the caller that its commit did
            // not happen while the record is there for all to see. A hint left behind only makes the next probe
            // walk a little further.
            LOG.debug(
                    "could not advance the hint of '{}' to {}; the next probe starts lower",
                    series,
                    allocated.number(),
                    e);
        }
        return allocated;
    }

    private boolean isOwn(StoreKey key, String commitId, Function<byte[], String> commitIdOf) {
        Optional<StoredObject> existing = store.find(key);
        return existing.isPresent()
                && commitId.equals(commitIdOf.apply(existing.get().getBytes()));
    }

    private void remember(StoreKey series, long n) {
        knownHighest.merge(series, n, Math::max);
    }

    /**
     * Returns the key of a series' hint: {@code <series>.hint}, beside the series' folder.
     *
     * @param series the series' key
     * @return the hint's key
     */
    public static StoreKey hintKey(StoreKey series) {
        return StoreKey.of(series.value() + ".hint");
    }

    private long readHint(StoreKey series) {
        Optional<StoredObject> found = store.find(hintKey(series));
        Hint hint = found.map(h -> new Hint(parseHint(h), h.getTag())).orElse(new Hint(0, null));
        hints.put(series, hint);
        return hint.value();
    }

    private static long parseHint(StoredObject hint) {
        try {
            return Long.parseLong(hint.getText().trim());
        } catch (NumberFormatException e) {
            return 0; // only a hint: probing from 0 is slower, never wrong
        }
    }

    /**
     * Moves the hint forward to {@code n}, never backward; losing this race is harmless. Tries the tag this instance
     * last saw first, which costs no read when no other writer moved the hint since.
     */
    private void advanceHint(StoreKey series, long n) {
        StoreKey key = hintKey(series);
        byte[] bytes = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        Hint last = hints.get(series);
        for (int attempt = 0; attempt < 3; attempt++) {
            Hint current = attempt == 0 && last != null
                    ? last
                    : store.find(key)
                            .map(h -> new Hint(parseHint(h), h.getTag()))
                            .orElse(new Hint(0, null));
            if (current.tag() != null && current.value() >= n) {
                return;
            }
            Optional<ObjectTag> moved = store.compareAndSet(key, current.tag(), bytes);
            if (moved.isPresent()) {
                hints.put(series, new Hint(n, moved.get()));
                return;
            }
        }
    }

    /**
     * A claimed version.
     *
     * @param number the version number
     * @param key the record's key
     * @param recovered true when the record was found already written by this commit (a retry after a lost response)
     * @param conflicts how many numbers other writers took first
     */
    public record AllocatedVersion(long number, StoreKey key, boolean recovered, int conflicts) {}
}
