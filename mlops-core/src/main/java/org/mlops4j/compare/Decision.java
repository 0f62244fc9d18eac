package org.mlops4j.compare;

/**
 * What a comparison decides, for the whole policy or for one rule. A closed set: switch on it.
 */
public enum Decision {
    /** The challenger passed: promote it. */
    PROMOTE,
    /** The challenger failed: do not promote it. */
    REJECT,
    /** Not enough evidence either way: do not promote, do not discard (collect more data and evaluate again). */
    INCONCLUSIVE;

    /** Combines decisions that must all promote: any reject rejects, else any inconclusive is inconclusive. */
    static Decision all(Iterable<Decision> decisions) {
        Decision result = PROMOTE;
        for (Decision d : decisions) {
            if (d == REJECT) {
                return REJECT;
            }
            if (d == INCONCLUSIVE) {
                result = INCONCLUSIVE;
            }
        }
        return result;
    }

    /** Combines decisions of which one must promote: any promote promotes, else any inconclusive is inconclusive. */
    static Decision any(Iterable<Decision> decisions) {
        Decision result = REJECT;
        for (Decision d : decisions) {
            if (d == PROMOTE) {
                return PROMOTE;
            }
            if (d == INCONCLUSIVE) {
                result = INCONCLUSIVE;
            }
        }
        return result;
    }
}
