package org.mlops4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.drift.DriftReport;

/**
 * Why a run started: which trigger fired, on which dataset versions, with which drift reports. Part of the run id
 * (all but the drift reports, which follow from the versions).
 *
 * @param kind what fired, e.g. {@code newVersionOf(churn-raw)}, {@code manual}, or two joined by {@code " or "}
 * @param datasets the dataset versions that made it fire
 * @param detail a deterministic description, e.g. the schedule slot
 * @param driftReports the drift reports of drift triggers that fired
 */
public record TriggerEvent(String kind, List<DatasetRef> datasets, String detail, List<DriftReport> driftReports) {
    /** Validates and copies the value. */
    public TriggerEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        datasets = List.copyOf(datasets);
        driftReports = List.copyOf(driftReports);
    }

    /**
     * Returns the event of a manual run.
     *
     * @return the event
     */
    public static TriggerEvent manual() {
        return new TriggerEvent("manual", List.of(), "", List.of());
    }

    /** Joins two events of a combined trigger. */
    TriggerEvent join(TriggerEvent other, String joiner) {
        List<DatasetRef> refs = new ArrayList<>(datasets);
        other.datasets.stream().filter(r -> !refs.contains(r)).forEach(refs::add);
        List<DriftReport> reports = new ArrayList<>(driftReports);
        reports.addAll(other.driftReports);
        String joinedDetail =
                detail.isEmpty() ? other.detail : other.detail.isEmpty() ? detail : detail + "; " + other.detail;
        return new TriggerEvent(kind + joiner + other.kind, refs, joinedDetail, reports);
    }

    @Override
    public String toString() {
        return kind
                + (datasets.isEmpty() ? "" : " on " + datasets)
                + (detail.isEmpty() ? "" : " (" + detail + ")")
                + (driftReports.isEmpty() ? "" : " drift: " + driftReports);
    }
}
