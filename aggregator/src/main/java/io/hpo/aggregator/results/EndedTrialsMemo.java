package io.hpo.aggregator.results;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Analyses of a search's ended trials (hyperparameter importance, the scaling fit) kept while those trials stay as
 * they are, and computed by one caller at a time per search and analysis. A scaling fit of 10,000 trials takes
 * seconds of a core and every dashboard that opens the search asks for it: without this, each page load started
 * another fit beside the running ones until the server answered nothing for a minute.
 */
final class EndedTrialsMemo {
    /** Remembered answers; the oldest read is dropped beyond it. */
    static final int ENTRIES = 64;

    /** An analysis that reads the store. */
    interface Analysis<T> {
        T compute() throws SQLException, UnknownIdException, NotReadyException;
    }

    private record Key(String analysis, String searchId) {
    }

    private record Entry(String version, Object value) {
    }

    private final Map<Key, ReentrantLock> running = new ConcurrentHashMap<>();
    private final Map<Key, Entry> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > ENTRIES;
        }
    };

    /**
     * The answer kept for this version of the search's ended trials, or {@code analysis}'s, computed after any
     * computation of the same search and analysis that is under way (whose answer it takes if the version is the
     * same). A {@code null} version computes without keeping the answer, still one at a time.
     */
    @SuppressWarnings("unchecked")
    <T> T get(String name, String searchId, String version, Analysis<T> analysis)
            throws SQLException, UnknownIdException, NotReadyException {
        Key key = new Key(name, searchId);
        ReentrantLock lock = running.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Entry entry;
            synchronized (kept) {
                entry = kept.get(key);
            }
            if (version != null && entry != null && entry.version().equals(version)) {
                return (T) entry.value();
            }
            T value = analysis.compute();
            if (version != null) {
                synchronized (kept) {
                    kept.put(key, new Entry(version, value));
                }
            }
            return value;
        } finally {
            lock.unlock();
        }
    }
}
