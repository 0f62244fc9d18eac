package org.mlops4j.data;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;

/**
 * Where each packed content is: digest → (pack, offset, size), for every pack loaded. Compact on purpose (about 70
 * bytes per member, in a few large arrays rather than an object per member): a lake of a million small files keeps a
 * million entries. Open addressing on the digest's first 64 bits (uniform already: they are SHA-256 bits), confirmed
 * against all 32 bytes. A content that several packs hold (two writers packed it at once) is found in the first pack
 * loaded; its other copies are kept aside, for when that one is damaged. Thread-safe.
 */
final class PackIndex {
    /** Where a packed content is. */
    record Location(Digest pack, long offset, long size) {}

    private final List<Digest> packs = new ArrayList<>();
    private final List<byte[]> entries = new ArrayList<>();
    /** Each loaded pack's number in {@link #packs}. */
    private final Map<Digest, Integer> known = new HashMap<>();
    /** Per slot: the digest's first 64 bits, and 1 + the pack number (0 = empty) and the entry number. */
    private long[] slotKeys = new long[1024];

    private int[] slotPacks = new int[1024];
    private int[] slotEntries = new int[1024];
    private int used;
    /** Copies of a content in packs loaded after the one the table points to: rare, so kept in a plain map. */
    private final Map<Digest, List<Location>> duplicates = new HashMap<>();

    synchronized boolean knows(Digest pack) {
        return known.containsKey(pack);
    }

    /** A loaded pack's index entries, sorted by digest; not copied (callers must not change them), null if unknown. */
    synchronized byte @Nullable [] entriesOf(Digest pack) {
        Integer number = known.get(pack);
        return number == null ? null : entries.get(number);
    }

    /** The loaded packs, in the order they were loaded. */
    synchronized List<Digest> packs() {
        return List.copyOf(packs);
    }

    synchronized int packCount() {
        return packs.size();
    }

    synchronized int size() {
        return used;
    }

    /**
     * Adds a pack's members; a digest already known stays where it was, and this pack's copy is a duplicate.
     *
     * @param sortedEntries the pack's index entries, as {@link Packs#readIndex} returns them
     * @return false if the pack was known
     */
    synchronized boolean add(Digest pack, byte[] sortedEntries) {
        if (known.containsKey(pack)) {
            return false;
        }
        int packNumber = packs.size();
        known.put(pack, packNumber);
        packs.add(pack);
        entries.add(sortedEntries);
        int count = sortedEntries.length / Packs.ENTRY_BYTES;
        for (int i = 0; i < count; i++) {
            if ((used + 1) * 4L > slotKeys.length * 3L) {
                grow();
            }
            int at = i * Packs.ENTRY_BYTES;
            long key = ByteBuffer.wrap(sortedEntries, at, 8).getLong();
            if (slotOf(key, sortedEntries, at) < 0) {
                insert(key, packNumber, i);
            } else {
                duplicates
                        .computeIfAbsent(
                                Digest.ofHash(Arrays.copyOfRange(sortedEntries, at, at + 32)), d -> new ArrayList<>(1))
                        .add(location(packNumber, i));
            }
        }
        return true;
    }

    synchronized boolean contains(byte[] sha256) {
        return slotOf(ByteBuffer.wrap(sha256).getLong(), sha256, 0) >= 0;
    }

    /** Where the first pack loaded that holds this content has it, or null. */
    synchronized @Nullable Location find(Digest digest) {
        byte[] sha256 = digest.toBytes();
        int slot = slotOf(ByteBuffer.wrap(sha256).getLong(), sha256, 0);
        return slot < 0 ? null : location(slotPacks[slot] - 1, slotEntries[slot]);
    }

    /** Every loaded pack's copy of this content, {@link #find}'s first; empty if no pack holds it. */
    synchronized List<Location> findAll(Digest digest) {
        Location first = find(digest);
        if (first == null) {
            return List.of();
        }
        List<Location> more = duplicates.get(digest);
        if (more == null) {
            return List.of(first);
        }
        List<Location> all = new ArrayList<>(1 + more.size());
        all.add(first);
        all.addAll(more);
        return all;
    }

    private Location location(int pack, int entry) {
        ByteBuffer at = ByteBuffer.wrap(entries.get(pack), entry * Packs.ENTRY_BYTES, Packs.ENTRY_BYTES);
        return new Location(packs.get(pack), at.getLong(at.position() + 32), at.getLong(at.position() + 40));
    }

    /** The slot holding this digest, or -1. */
    private int slotOf(long key, byte[] sha256, int from) {
        int mask = slotKeys.length - 1;
        for (int slot = (int) key & mask; slotPacks[slot] != 0; slot = (slot + 1) & mask) {
            if (slotKeys[slot] == key) {
                int at = slotEntries[slot] * Packs.ENTRY_BYTES;
                if (Arrays.equals(entries.get(slotPacks[slot] - 1), at, at + 32, sha256, from, from + 32)) {
                    return slot;
                }
            }
        }
        return -1;
    }

    private void insert(long key, int pack, int entry) {
        int mask = slotKeys.length - 1;
        int slot = (int) key & mask;
        while (slotPacks[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slotKeys[slot] = key;
        slotPacks[slot] = pack + 1;
        slotEntries[slot] = entry;
        used++;
    }

    private void grow() {
        long[] keys = slotKeys;
        int[] packNumbers = slotPacks;
        int[] entryNumbers = slotEntries;
        // allocate all three before replacing any: an OutOfMemoryError here must leave the table consistent
        long[] newKeys = new long[keys.length * 2];
        int[] newPacks = new int[keys.length * 2];
        int[] newEntries = new int[keys.length * 2];
        slotKeys = newKeys;
        slotPacks = newPacks;
        slotEntries = newEntries;
        used = 0;
        for (int i = 0; i < keys.length; i++) {
            if (packNumbers[i] != 0) {
                insert(keys[i], packNumbers[i] - 1, entryNumbers[i]);
            }
        }
    }
}
