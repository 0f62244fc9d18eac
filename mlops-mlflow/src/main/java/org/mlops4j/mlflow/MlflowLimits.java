package org.mlops4j.mlflow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.ServiceUnavailableException;

/**
 * The limits of one MLflow server, read from its {@code GET /version} once: registry tag values hold 5,000 characters
 * before MLflow 3.2 and 100,000 from 3.2 on. A server that does not say its version (a managed endpoint) gets the
 * smaller limits.
 *
 * @param version the version the server reported, or {@code unknown}
 * @param registryTagValue the longest registry (model and version) tag value it accepts
 * @param runTagValue the longest run tag value it accepts (8,000 from 2.x on; this driver stays at 5,000 below 3.2)
 * @param paramValue the longest param value it accepts
 */
record MlflowLimits(String version, int registryTagValue, int runTagValue, int paramValue) {
    static final MlflowLimits CONSERVATIVE = new MlflowLimits("unknown", 5_000, 5_000, 500);
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    /** The limits a server of this version enforces. */
    static MlflowLimits of(String version) {
        Matcher m = VERSION.matcher(version.strip());
        if (!m.find()) {
            return CONSERVATIVE;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        boolean large = major > 3 || (major == 3 && minor >= 2);
        return new MlflowLimits(
                version.strip(), large ? 100_000 : 5_000, large ? 8_000 : 5_000, major >= 2 ? 6_000 : 500);
    }

    /** Reads the server's limits. */
    static MlflowLimits read(MlflowHttp http) {
        try {
            return of(http.getText("version", "/version"));
        } catch (ServiceUnavailableException e) {
            throw e; // transient: ask again next time
        } catch (MlopsException e) {
            return CONSERVATIVE; // a managed endpoint without /version: the limits every server accepts
        }
    }
}
