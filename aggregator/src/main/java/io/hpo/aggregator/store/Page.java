package io.hpo.aggregator.store;

import java.util.List;

/**
 * One page of a list sorted in the database.
 *
 * @param items  at most {@code limit} items, starting at {@code offset}
 * @param total  how many items the whole list has
 */
public record Page<T>(List<T> items, long total, int limit, int offset) {
}
