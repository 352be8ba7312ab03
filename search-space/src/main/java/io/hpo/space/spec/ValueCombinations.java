package io.hpo.space.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Walks the Cartesian product of per-hyperparameter value lists, as an odometer (first name changes fastest). */
public final class ValueCombinations {

    private ValueCombinations() {
    }

    /** Number of combinations, saturating at Long.MAX_VALUE. */
    public static long count(List<? extends List<?>> axes) {
        if (axes.stream().anyMatch(List::isEmpty)) {
            return 0;
        }
        long n = 1;
        for (List<?> axis : axes) {
            try {
                n = Math.multiplyExact(n, axis.size());
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /**
     * Calls {@code visitor} with each combination as name-to-value map until it returns false. The map is reused
     * between calls: copy it to keep it.
     *
     * @return false when the visitor stopped the walk, true when every combination was visited
     */
    public static boolean visit(List<String> names, List<? extends List<?>> axes,
                                Predicate<Map<String, Object>> visitor) {
        if (names.size() != axes.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + axes.size() + " value lists");
        }
        if (count(axes) == 0) {
            return true;
        }
        int[] digits = new int[axes.size()];
        Map<String, Object> combination = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            combination.put(names.get(i), axes.get(i).get(0));
        }
        while (true) {
            if (!visitor.test(combination)) {
                return false;
            }
            int i = 0;
            while (i < digits.length && ++digits[i] == axes.get(i).size()) {
                digits[i] = 0;
                combination.put(names.get(i), axes.get(i).get(0));
                i++;
            }
            if (i == digits.length) {
                return true;
            }
            combination.put(names.get(i), axes.get(i).get(digits[i]));
        }
    }
}
