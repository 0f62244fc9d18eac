package org.mlops4j.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;

/**
 * The layout's promise that lets the store contract leave key shapes alone: no key the lake makes is a folder of
 * another. Every template is filled with parts chosen to collide: other templates' fixed words, names ending in
 * {@code .json} or {@code .hint}, digits.
 */
class LakeLayoutTest {
    private static final List<String> PARTS = List.of(
            "v",
            "v.hint",
            "a",
            "x.json",
            "events",
            "events.hint",
            "runs",
            "journal",
            "state.json",
            "lease.json",
            "aliases",
            "alias-log",
            "requests",
            "superseded",
            "operations",
            "index.json",
            "sha256",
            "by-parent",
            "dataset",
            "00000001",
            "00000001.json");
    private static final List<Digest> DIGESTS =
            List.of(Digest.of(new byte[0]), Digest.of("x".getBytes(StandardCharsets.UTF_8)));

    @Test
    void shouldNeverMakeAKeyThatIsAFolderOfAnother() {
        List<StoreKey> keys = everyKey();
        NavigableSet<String> sorted = new TreeSet<>();
        keys.forEach(k -> sorted.add(k.value()));

        List<String> folders = new ArrayList<>();
        for (String key : sorted) {
            String below = sorted.ceiling(key + "/");
            if (below != null && below.startsWith(key + "/")) {
                folders.add(key + " is a folder of " + below);
            }
        }

        assertThat(keys).hasSizeGreaterThan(4_000);
        assertThat(folders).isEmpty();
    }

    @Test
    void shouldWriteTheKeysTheFormatDocumentNames() {
        Digest d = DIGESTS.get(0);
        String hex = d.hex();

        assertThat(LakeLayout.DESCRIPTOR.value()).isEqualTo("lake.json");
        assertThat(LakeLayout.content(d).value()).isEqualTo("objects/sha256/e3/" + hex);
        assertThat(LakeLayout.tree(d).value()).isEqualTo("trees/sha256/e3/" + hex);
        assertThat(LakeLayout.packRecord(d).value()).isEqualTo("packs/sha256/" + hex);
        assertThat(LakeLayout.PACK_INDEX.value()).isEqualTo("packs/index.json");
        assertThat(LakeLayout.packIndexLayer(d).value()).isEqualTo("packs/layers/" + hex);
        assertThat(LakeLayout.csvProfile(d).value()).isEqualTo("profiles/csv-v2/e3/" + hex + ".json");
        assertThat(VersionAllocator.versionKey(LakeLayout.datasetVersions("churn"), 42)
                        .value())
                .isEqualTo("datasets/churn/v/00000042.json");
        assertThat(LakeLayout.modelAliasLogEntry("m", "champion", 3).value())
                .isEqualTo("models/m/alias-log/champion/00000003.json");
        assertThat(LakeLayout.lineageEdge(
                                new LakeLayout.NodePath("dataset", "raw", 1),
                                new LakeLayout.NodePath("model", "m", 12),
                                "training")
                        .value())
                .isEqualTo("lineage/by-parent/dataset/raw/00000001/model/m/00000012/training");
        assertThat(LakeLayout.pipelineJournalEntry("p", "r-1", 2).value())
                .isEqualTo("pipelines/p/runs/r-1/journal/00000002.json");
    }

    @Test
    void shouldRefuseAPartThatIsNotOneSegment() {
        assertThatThrownBy(() -> LakeLayout.datasetVersions("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a dataset must be one key segment")
                .hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> LakeLayout.modelAlias("m", ".."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alias");
        assertThatThrownBy(() -> new LakeLayout.NodePath("dataset", "raw", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("versions start at 1");
    }

    /** Every template, each variable part taken from {@link #PARTS} (two parts at a time where there are more). */
    private static List<StoreKey> everyKey() {
        List<StoreKey> keys = new ArrayList<>();
        keys.add(LakeLayout.DESCRIPTOR);
        keys.add(LakeLayout.PACK_INDEX);
        for (Digest d : DIGESTS) {
            keys.add(LakeLayout.content(d));
            keys.add(LakeLayout.tree(d));
            keys.add(LakeLayout.packRecord(d));
            keys.add(LakeLayout.packIndexLayer(d));
            keys.add(LakeLayout.csvProfile(d));
        }
        for (String a : PARTS) {
            addSeries(keys, LakeLayout.datasetVersions(a));
            addSeries(keys, LakeLayout.modelVersions(a));
            addSeries(keys, LakeLayout.deploymentEvents(a));
            keys.add(LakeLayout.pipelineLease(a));
            keys.add(LakeLayout.pipelineState(a));
            keys.add(LakeLayout.deploymentState(a));
            for (Digest d : DIGESTS) {
                keys.add(LakeLayout.modelRequest(a, d));
            }
            keys.add(LakeLayout.modelSuperseded(a, 1));
            keys.add(LakeLayout.modelSuperseded(a, 123_456_789));
            for (String b : PARTS) {
                keys.add(LakeLayout.modelAlias(a, b));
                keys.add(LakeLayout.modelAliasLogEntry(a, b, 1));
                keys.add(LakeLayout.pipelineJournalEntry(a, b, 7));
                keys.add(LakeLayout.deploymentOperation(a, b));
                for (String kind : List.of("dataset", "model", "deployment")) {
                    LakeLayout.NodePath from = new LakeLayout.NodePath(kind, a, 1);
                    keys.add(LakeLayout.lineageEdge(from, new LakeLayout.NodePath("model", b, 2), "training"));
                    keys.add(LakeLayout.lineageEdge(from, new LakeLayout.NodePath(kind, b, 1), b));
                }
            }
        }
        return keys;
    }

    /** A series' records and its hint, as the version allocator writes them. */
    private static void addSeries(List<StoreKey> keys, StoreKey series) {
        keys.add(VersionAllocator.versionKey(series, 1));
        keys.add(VersionAllocator.versionKey(series, 99_999_999));
        keys.add(StoreKey.of(series.value() + ".hint"));
    }
}
