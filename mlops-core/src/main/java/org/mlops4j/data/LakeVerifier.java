package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.LakeDescriptor;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreVerification;
import org.mlops4j.store.StoredObject;

/**
 * Checks every object of a lake by its kind (lake format §1.1): contents re-hashed; pack records read strictly and
 * each pack's tail checked against its record; the pack index pointer and each of its layers; trees re-hashed and
 * read; profile index records and the profiles they name; {@code lake.json}; and every other record read as canonical
 * JSON with a well-formed format and a matching checksum (§5.1). Dataset version records are decoded in full, and the
 * tree each names must be in the lake. Reads the whole lake.
 */
final class LakeVerifier {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern DATASET_VERSION = Pattern.compile("datasets/([^/]+)/v/([0-9]{8})\\.json");
    private static final Pattern PROFILE_INDEX =
            Pattern.compile("profiles/csv-v[12]/[0-9a-f]{2}/([0-9a-f]{64})\\.json");

    private final ObjectStore store;
    private final List<String> problems = new ArrayList<>();
    /** Contents stored whole, and members of packs whose record and tail read well. */
    private final Set<Digest> held = new HashSet<>();
    /** Packs announced by a record, and packs the pack index lists. */
    private final Set<Digest> announced = new HashSet<>();

    private final Set<Digest> indexed = new HashSet<>();
    /** Contents and trees that trees name, with the first tree naming each. */
    private final Map<Digest, Digest> namedContents = new LinkedHashMap<>();

    private final Map<Digest, Digest> namedTrees = new LinkedHashMap<>();
    private long contents;
    private long others;

    private LakeVerifier(ObjectStore store) {
        this.store = store;
    }

    static StoreVerification verify(ObjectStore store) {
        LakeVerifier verifier = new LakeVerifier(store);
        verifier.run();
        return new StoreVerification(verifier.contents, verifier.others, verifier.problems);
    }

    private void run() {
        List<StoreKey> keys = new ArrayList<>();
        for (StoreKey key : store.list("")) {
            keys.add(key);
        }
        Set<StoreKey> present = new HashSet<>(keys);
        if (!present.contains(LakeDescriptor.KEY)) {
            problems.add("the lake has no " + LakeDescriptor.KEY);
        }
        for (StoreKey key : keys) {
            String k = key.value();
            try {
                if (ObjectStore.isContentKey(key)) {
                    contents++;
                    verifyContent(key);
                    continue;
                }
                others++;
                if (key.equals(LakeDescriptor.KEY)) {
                    var unused = LakeDescriptor.parse(bytes(key));
                } else if (k.startsWith("packs/sha256/")) {
                    Packs.PackRecord record = Packs.readRecord(bytes(key), key);
                    announced.add(record.pack());
                    verifyPackTail(record);
                } else if (key.equals(LakeLayout.PACK_INDEX)) {
                    verifyPackIndex();
                } else if (k.startsWith("packs/layers/")) {
                    Digest claimed = claimedDigest(key, key.name());
                    Digest actual = Digest.of(bytes(key));
                    if (!actual.equals(claimed)) {
                        problems.add("pack index layer " + key + " hashes to " + actual);
                    }
                } else if (k.startsWith("trees/sha256/")) {
                    Digest tree = claimedDigest(key, key.name());
                    for (Trees.Entry entry : Trees.read(store, tree, "verify")) {
                        if (entry instanceof Trees.FileEntry file) {
                            namedContents.putIfAbsent(file.digest(), tree);
                        } else {
                            namedTrees.putIfAbsent(((Trees.DirEntry) entry).tree(), tree);
                        }
                    }
                } else if (PROFILE_INDEX.matcher(k).matches()) {
                    Digest profile = Profiles.readIndex(bytes(key), key);
                    if (!present.contains(LakeLayout.content(profile))) {
                        problems.add("profile index record " + key + " names profile " + profile
                                + ", which is not stored whole in the lake");
                    }
                } else if (k.endsWith(".hint")) {
                    String text = store.get(key).getText();
                    if (!text.matches("0|[1-9][0-9]{0,18}")) {
                        problems.add("hint " + key + " is not a version number; it is harmless, the next commit"
                                + " moves it");
                    }
                } else {
                    byte[] bytes = bytes(key);
                    var unused = RecordReader.check(bytes, k);
                    var dataset = DATASET_VERSION.matcher(k);
                    if (dataset.matches()) {
                        verifyDatasetVersion(bytes, dataset.group(1), Long.parseLong(dataset.group(2)), present);
                    }
                }
            } catch (MlopsException e) {
                problems.add(e.getMessage().contains(k) ? e.getMessage() : key + ": " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                problems.add(key + " cannot be read: " + e);
            }
        }
        namedContents.forEach((content, tree) -> {
            if (!held.contains(content)) {
                problems.add("tree " + tree + " names content " + content
                        + ", which the lake holds neither whole nor in a readable pack");
            }
        });
        namedTrees.forEach((subtree, tree) -> {
            if (!present.contains(LakeLayout.tree(subtree))) {
                problems.add("tree " + tree + " names tree " + subtree + ", which is missing from the lake");
            }
        });
        for (Digest pack : indexed) {
            if (!announced.contains(pack)) {
                problems.add("the pack index lists pack " + pack + ", whose record " + Packs.key(pack)
                        + " is missing or unreadable");
            }
        }
        for (Digest pack : announced) {
            if (!indexed.contains(pack)) {
                problems.add("pack " + pack + " has a record, but no layer of the pack index "
                        + LakeLayout.PACK_INDEX + " lists it; readers find it by listing, and the next snapshot"
                        + " indexes it again");
            }
        }
    }

    private byte[] bytes(StoreKey key) {
        return store.get(key).getBytes();
    }

    private Digest claimedDigest(StoreKey key, String hex) {
        if (!HEX.matcher(hex).matches()) {
            throw new IntegrityException("key " + key + " is not named by a digest");
        }
        return new Digest(hex);
    }

    private void verifyContent(StoreKey key) throws IOException {
        Digest claimed = claimedDigest(key, key.name());
        if (!key.equals(LakeLayout.content(claimed))) {
            problems.add("content key " + key + " is not where its digest is kept");
            return;
        }
        MessageDigest sha = Digest.newSha256();
        try (InputStream in = store.openContent(claimed)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        Digest actual = Digest.ofHash(sha.digest());
        if (!actual.equals(claimed)) {
            problems.add("content " + key + " hashes to " + actual);
        } else {
            held.add(claimed);
        }
    }

    private void verifyPackTail(Packs.PackRecord record) throws IOException {
        StoreKey content = LakeLayout.content(record.pack());
        if (!store.exists(content)) {
            problems.add("pack " + record.pack() + " announced by " + Packs.key(record.pack())
                    + " is missing from the lake");
            return;
        }
        byte[] tail;
        try (InputStream in = store.openContent(record.pack(), record.indexOffset(), record.tailBytes())) {
            tail = in.readNBytes(record.tailBytes());
        }
        byte[] entries = Packs.readIndex(tail, record);
        for (int at = 0; at < entries.length; at += Packs.ENTRY_BYTES) {
            held.add(Digest.ofHash(Arrays.copyOfRange(entries, at, at + 32)));
        }
    }

    private void verifyPackIndex() {
        StoredObject pointer = store.get(LakeLayout.PACK_INDEX);
        for (PackIndexFormat.Layer layer : PackIndexFormat.readPointer(pointer.getBytes())) {
            StoreKey key = LakeLayout.packIndexLayer(layer.layer());
            var found = store.find(key);
            if (found.isEmpty()) {
                problems.add("pack index " + LakeLayout.PACK_INDEX + " names layer " + key + ", which is missing");
                continue;
            }
            for (PackIndexFormat.Section section :
                    PackIndexFormat.readLayer(found.get().getBytes(), layer)) {
                indexed.add(section.pack());
                if (!store.exists(LakeLayout.content(section.pack()))) {
                    problems.add("pack index layer " + key + " lists pack " + section.pack()
                            + ", which is missing from the lake");
                }
            }
        }
    }

    private void verifyDatasetVersion(byte[] bytes, String name, long version, Set<StoreKey> present) {
        DatasetVersion decoded = DatasetRecords.decode(bytes, new DatasetRef(name, version));
        if (!present.contains(LakeLayout.tree(decoded.getDigest()))) {
            problems.add("dataset version " + decoded.getRef() + " names tree " + decoded.getDigest()
                    + ", which is missing from the lake");
            return;
        }
        decoded.getProfiles().forEach((path, profile) -> {
            if (!present.contains(LakeLayout.content(profile))) {
                problems.add("dataset version " + decoded.getRef() + " names profile " + profile + " of '" + path
                        + "', which is missing from the lake");
            }
            Digest file = fileDigest(decoded.getDigest(), path, decoded.getRef().toString());
            if (file != null && !present.contains(LakeLayout.csvProfile(file))) {
                problems.add("dataset version " + decoded.getRef() + " has a profile of '" + path + "', but the"
                        + " profile index record " + LakeLayout.csvProfile(file) + " of its content is missing; the"
                        + " next snapshot of that content profiles it again");
            }
        });
    }

    /** Finds the digest of the file at a path of a tree; null (and a problem) if the tree has no such file. */
    private @Nullable Digest fileDigest(Digest root, String path, String where) {
        Digest tree = root;
        String[] names = path.split("/", -1);
        for (int i = 0; i < names.length; i++) {
            Trees.Entry found = null;
            for (Trees.Entry entry : Trees.read(store, tree, where)) {
                if (entry.name().equals(names[i])) {
                    found = entry;
                }
            }
            if (i == names.length - 1 && found instanceof Trees.FileEntry file) {
                return file.digest();
            }
            if (!(found instanceof Trees.DirEntry dir)) {
                problems.add("dataset version " + where + " names a profile of '" + path + "', a file it does not"
                        + " hold");
                return null;
            }
            tree = dir.tree();
        }
        return null;
    }
}
