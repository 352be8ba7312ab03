package io.hpo.aggregator.store;

import java.util.Comparator;

/** Identifies a trial. Ordered, so that a batch always locks rows in the same order. */
record TrialKey(String searchId, String trialId) implements Comparable<TrialKey> {
    private static final Comparator<TrialKey> ORDER =
            Comparator.comparing(TrialKey::searchId).thenComparing(TrialKey::trialId);

    @Override
    public int compareTo(TrialKey o) {
        return ORDER.compare(this, o);
    }
}
