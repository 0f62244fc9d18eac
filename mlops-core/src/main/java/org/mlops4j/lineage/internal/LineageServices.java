package org.mlops4j.lineage.internal;

import java.util.List;
import java.util.function.BiFunction;
import org.mlops4j.internal.Installed;
import org.mlops4j.lineage.Lineage;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.lineage.UpstreamResolver;

/** How the facade builds the lineage queries, whose constructor is not public. Not API. */
public final class LineageServices {
    /** Installed by {@link Lineage}: the reverse-edge index and the readers of each kind's inputs. */
    public static final Installed<BiFunction<LineageIndex, List<UpstreamResolver>, Lineage>> LINEAGE =
            new Installed<>(Lineage.class);

    private LineageServices() {}
}
