package org.mlops4j.registry;

import java.util.List;

/**
 * The outcome of {@link ModelRegistry#verify(ModelRef)}.
 *
 * @param version the version checked
 * @param artifactsChecked true when the artifacts' tree was in the lake and every file of it was re-hashed; false
 *     when the version has no artifacts, or they are kept at a URI that the lake holds no tree of (then only the
 *     record was checked, and {@code problems} or the notes say so)
 * @param filesChecked artifact files re-hashed
 * @param bytesChecked artifact bytes re-hashed
 * @param problems one line per problem; empty when the record and every byte and tree of the artifacts are as
 *     recorded
 * @param notes what could not be checked, and why; not problems
 */
public record ModelVerification(
        ModelRef version,
        boolean artifactsChecked,
        long filesChecked,
        long bytesChecked,
        List<String> problems,
        List<String> notes) {
    /** Copies the lists. */
    public ModelVerification {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** Returns true when no problem was found. */
    public boolean isClean() {
        return problems.isEmpty();
    }
}
