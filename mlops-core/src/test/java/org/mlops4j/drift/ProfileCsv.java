package org.mlops4j.drift;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mlops4j.data.profile.CsvProfiler;
import org.mlops4j.data.profile.TableProfile;

/** Profiles CSV text for drift tests, as a snapshot would. */
final class ProfileCsv {
    private ProfileCsv() {}

    static TableProfile profile(String csv) {
        return CsvProfiler.ofDefaults().profile(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    static TableProfile profile(String header, List<String> rows) {
        StringBuilder s = new StringBuilder(header).append('\n');
        for (String row : rows) {
            s.append(row).append('\n');
        }
        return profile(s.toString());
    }

    static List<Column> columns(String header, List<String> rows) {
        return Columns.fromProfile(profile(header, rows));
    }
}
