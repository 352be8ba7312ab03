package io.hpo.aggregator.store;

import java.util.Collection;
import java.util.Comparator;

/** Identifies a trial. Ordered, so that a batch always locks rows in the same order. */
record TrialKey(String searchId, String trialId) implements Comparable<TrialKey> {
    private static final Comparator<TrialKey> ORDER =
            Comparator.comparing(TrialKey::searchId).thenComparing(TrialKey::trialId);

    @Override
    public int compareTo(TrialKey o) {
        return ORDER.compare(this, o);
    }

    /** The keys' search ids, in the collection's order: a column for a statement that unnests it. */
    static String[] searchIds(Collection<TrialKey> keys) {
        return keys.stream().map(TrialKey::searchId).toArray(String[]::new);
    }

    /** The keys' trial ids, in the collection's order. */
    static String[] trialIds(Collection<TrialKey> keys) {
        return keys.stream().map(TrialKey::trialId).toArray(String[]::new);
    }
}
