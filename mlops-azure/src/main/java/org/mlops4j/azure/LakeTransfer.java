package org.mlops4j.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.StorageException;
import org.mlops4j.data.internal.DataServices;
import org.mlops4j.data.internal.TreeEntry;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * Copies a dataset version from one lake to another (what DVC users know as push and pull): local to Azure, Azure to
 * local, or between any two {@link ObjectStore}s. The objects are copied as they are, under the same keys, so both
 * lakes hold the same digests and the same version record.
 *
 * <ul>
 *   <li><b>Only what is missing</b>: a version the target holds costs one lookup; a tree the target holds is not
 *       walked below (trees are written bottom-up, lake format §1.3); contents are looked up in one batch, and a packed
 *       content is copied with its pack only when the target lacks that pack.
 *   <li><b>Verified</b>: every content and pack is stored with its digest checked ({@code putContent(digest, …)}),
 *       every tree is hashed before it is written, and the version record must be the same bytes if the target has it.
 *   <li><b>Resumable</b>: contents first, trees deepest first, the version record last, each written only if absent,
 *       so a copy that was killed is continued by running it again, and no reader sees a partial version.
 * </ul>
 *
 * <p>Copied packs are announced by their records; the target's pack index lists them once its next writer indexes
 * them (lake format §11.7), and readers find them meanwhile by listing pack records. Lineage edges are the target's
 * to heal: {@code datasets().verify(version)} writes those of its parents that the target holds. Stateless.
 */
public final class LakeTransfer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LakeTransfer() {}

    /**
     * What a copy did.
     *
     * @param objectsCopied objects written to the target (contents, packs, records, trees, the version record)
     * @param bytesCopied their bytes
     * @param objectsPresent objects the target held already and that were not sent
     */
    public record Result(long objectsCopied, long bytesCopied, long objectsPresent) {}

    /**
     * Copies a dataset version and everything it names.
     *
     * @param from the source lake
     * @param to the target lake
     * @param dataset the dataset's name
     * @param version the version number
     * @param progress told after each object, operation {@code "copy"}
     * @return what was copied
     * @throws NotFoundException if the source has no such version, or lacks an object it names
     * @throws ConflictException if the target holds another record under that version number
     * @throws IntegrityException if an object of the source does not hash to its digest
     */
    public static Result copyDataset(
            ObjectStore from, ObjectStore to, String dataset, long version, ProgressListener progress) {
        Objects.requireNonNull(progress, "progress");
        StoreKey recordKey = VersionAllocator.versionKey(LakeLayout.datasetVersions(dataset), version);
        StoredObject record = from.find(recordKey)
                .orElseThrow(() -> new NotFoundException("no version " + version + " of dataset '" + dataset + "' in "
                        + from + "; check the name and number"));
        Copy copy = new Copy(from, to, progress);
        Optional<StoredObject> there = to.find(recordKey);
        if (there.isPresent()) {
            copy.requireSame(there.get(), record);
            return copy.result(1);
        }
        copyIfAbsent(copy, LakeLayout.DESCRIPTOR);
        Digest root = Digest.parse(copy.json(record).path("tree").asText());
        List<StoredObject> trees = new ArrayList<>();
        Set<Digest> files = new LinkedHashSet<>();
        copy.walk(root, trees, files);
        copy.contents(files);
        for (int i = trees.size() - 1; i >= 0; i--) { // deepest first: a parent after its children
            copy.create(trees.get(i));
        }
        copy.create(record);
        return copy.result(copy.present);
    }

    private static void copyIfAbsent(Copy copy, StoreKey key) {
        if (!copy.to.exists(key)) {
            copy.from.find(key).ifPresent(copy::create);
        }
    }

    /** One copy's state. */
    private static final class Copy {
        final ObjectStore from;
        final ObjectStore to;
        final ProgressListener progress;
        final AtomicLong copied = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        long present;
        long total;
        /** Member digest → the source pack that holds it, learnt from the source's pack records when first needed. */
        @Nullable
        Map<Digest, Digest> packOf;

        final Map<Digest, StoredObject> packRecords = new HashMap<>();

        Copy(ObjectStore from, ObjectStore to, ProgressListener progress) {
            this.from = from;
            this.to = to;
            this.progress = progress;
        }

        Result result(long presentObjects) {
            return new Result(copied.get(), bytes.get(), presentObjects);
        }

        JsonNode json(StoredObject object) {
            try {
                return JSON.readTree(object.getBytes());
            } catch (IOException e) {
                throw new IntegrityException(
                        "the record " + object.getKey() + " of " + from + " is not JSON; the source lake is damaged",
                        e);
            }
        }

        void requireSame(StoredObject target, StoredObject source) {
            if (!Arrays.equals(target.getBytes(), source.getBytes())) {
                throw new ConflictException(target.getKey() + " of " + to + " is another record than in " + from
                        + "; the lakes diverged: copy into a new dataset name, or choose which lake is right");
            }
        }

        /** Collects the trees from the root down, stopping at trees the target has, and the files they name. */
        void walk(Digest tree, List<StoredObject> trees, Set<Digest> files) {
            StoreKey key = LakeLayout.tree(tree);
            if (to.exists(key)) {
                present++;
                return; // written bottom-up: everything below it is there too
            }
            StoredObject object = from.find(key)
                    .orElseThrow(() -> new NotFoundException(
                            "tree " + tree + " is missing from " + from + "; the source lake is damaged"));
            byte[] bytes = object.getBytes(); // a copy each call: hash and decode the same one
            Digest actual = Digest.of(bytes);
            if (!actual.equals(tree)) {
                throw new IntegrityException(
                        "tree " + tree + " of " + from + " hashes to " + actual + "; the source lake is damaged");
            }
            trees.add(object);
            // the core's reader: either tree encoding (lake format §14), with the strict reader's checks
            for (TreeEntry entry : DataServices.TREES.get().decode(bytes, tree, "a transfer from " + from)) {
                if (entry.directory()) {
                    walk(entry.digest(), trees, files);
                } else {
                    files.add(entry.digest());
                }
            }
        }

        /** Copies the contents the target lacks: whole ones as they are, packed ones with their pack. */
        void contents(Set<Digest> files) {
            Map<Digest, ContentInfo> there = to.findContents(files);
            present += there.size();
            List<Digest> missing =
                    files.stream().filter(d -> !there.containsKey(d)).toList();
            total = missing.size();
            Map<Digest, ContentInfo> whole = from.findContents(missing);
            Set<Digest> packs = new LinkedHashSet<>();
            for (Digest digest : missing) {
                if (whole.containsKey(digest)) {
                    copyContent(digest);
                } else {
                    Digest pack = packs().get(digest);
                    if (pack == null) {
                        throw new NotFoundException("content " + digest + " is neither stored whole nor in a pack of "
                                + from + "; the source lake is damaged");
                    }
                    packs.add(pack);
                }
            }
            Map<Digest, ContentInfo> packsThere = to.findContents(packs);
            for (Digest pack : packs) {
                if (packsThere.containsKey(pack)) {
                    present++;
                } else {
                    copyContent(pack);
                }
                StoredObject packRecord = packRecords.get(pack);
                if (!to.exists(packRecord.getKey())) {
                    create(packRecord);
                }
            }
        }

        private void copyContent(Digest digest) {
            try (InputStream in = from.openContent(digest)) {
                ContentInfo info = to.putContent(digest, in);
                copied.incrementAndGet();
                bytes.addAndGet(info.size());
                tell();
            } catch (IOException e) {
                throw StorageException.of("cannot read content " + digest + " from " + from + ": " + e, e);
            }
        }

        /** The source's packs, by member: the pack records and the index at each pack's end (lake format §11.2). */
        private Map<Digest, Digest> packs() {
            if (packOf != null) {
                return packOf;
            }
            Map<Digest, Digest> members = new HashMap<>();
            for (StoreKey key : from.list(LakeLayout.PACK_RECORDS).stream().toList()) {
                StoredObject record = from.get(key);
                JsonNode json = json(record);
                Digest pack = Digest.parse(json.path("pack").asText());
                long n = json.path("members").asLong();
                long size = json.path("bytes").asLong();
                long indexOffset = size - 24 - 48 * n;
                if (n < 1 || indexOffset < 0) {
                    continue; // a damaged record: readers ignore the pack too
                }
                byte[] tail;
                try (InputStream in = from.openContent(pack, indexOffset, 48 * n)) {
                    tail = in.readAllBytes();
                } catch (IOException | NotFoundException e) {
                    continue; // an unreadable pack holds nothing a reader uses
                }
                ByteBuffer index = ByteBuffer.wrap(tail);
                while (index.remaining() >= 48) {
                    byte[] digest = new byte[32];
                    index.get(digest);
                    index.position(index.position() + 16);
                    members.putIfAbsent(new Digest(HexFormat.of().formatHex(digest)), pack);
                }
                packRecords.put(pack, record);
            }
            packOf = members;
            return members;
        }

        void create(StoredObject object) {
            if (to.createIfAbsent(object.getKey(), object.getBytes())) {
                copied.incrementAndGet();
                bytes.addAndGet(object.getSize());
            } else {
                requireSame(to.get(object.getKey()), object);
                present++;
            }
            tell();
        }

        private void tell() {
            progress.onProgress(new ProgressListener.ProgressEvent("copy", copied.get(), total, bytes.get(), -1));
        }
    }
}
