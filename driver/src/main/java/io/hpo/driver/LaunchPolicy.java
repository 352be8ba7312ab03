package io.hpo.driver;

import io.hpo.space.cost.Spend;
import io.hpo.space.spec.BudgetSpec;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * When a search launches another trial, and how it ended. Rule: a trial starts while fewer than
 * min(max_concurrent_trials, max_trials) trials run, fewer than max_trials were launched, the wall-time deadline has
 * not passed, the search is not cancelled, the sampler has not run out of configurations and the finished trials'
 * spend reaches no spend budget; running out of configurations and reaching a spend budget are final. Once no trial
 * runs, the first of these that holds names the end: cancelled, then out of wall time, then over a spend budget, else
 * completed (every trial ran, or the space was exhausted).
 */
final class LaunchPolicy {
    private final BudgetSpec budget;
    private final long deadline;
    private final LongSupplier clock;
    private final BooleanSupplier cancelled;
    private final Consumer<String> budgetReached;
    private Optional<String> overBudget = Optional.empty();
    private boolean spaceExhausted;

    /**
     * @param startedMs     when the search started, on {@code clock}'s epoch milliseconds
     * @param budgetReached told once, with the message naming the limit, when a spend budget is first reached
     */
    LaunchPolicy(BudgetSpec budget, long startedMs, LongSupplier clock, BooleanSupplier cancelled,
                 Consumer<String> budgetReached) {
        this.budget = budget;
        this.deadline = startedMs + budget.maxWallTime().toMillis();
        this.clock = clock;
        this.cancelled = cancelled;
        this.budgetReached = budgetReached;
    }

    /** Trials that may train at once. */
    static int concurrency(BudgetSpec budget) {
        return Math.min(budget.maxConcurrentTrials(), budget.maxTrials());
    }

    /**
     * Whether one more trial may start now, with {@code running} trials training, {@code launched} launched in all
     * and {@code spent} spent by the finished ones.
     */
    boolean mayLaunch(int running, int launched, Spend spent) {
        if (spaceExhausted || running >= concurrency(budget) || launched >= budget.maxTrials() || pastDeadline()
                || cancelled.getAsBoolean()) {
            return false;
        }
        if (overBudget.isEmpty()) {
            overBudget = budget.spendExhausted(spent);
            overBudget.ifPresent(budgetReached);
        }
        return overBudget.isEmpty();
    }

    /** The sampler has no configuration left: no further trial starts. */
    void spaceExhausted() {
        spaceExhausted = true;
    }

    /** The search's wall time is spent: running trials stop too. */
    boolean pastDeadline() {
        return clock.getAsLong() > deadline;
    }

    /** How the search ended, asked once no trial runs. */
    Ending ending() {
        SearchStatus status = cancelled.getAsBoolean() ? SearchStatus.CANCELLED
                : pastDeadline() ? SearchStatus.WALL_TIME_EXCEEDED
                : overBudget.isPresent() ? SearchStatus.BUDGET_EXHAUSTED : SearchStatus.COMPLETED;
        return new Ending(status, overBudget.filter(why -> status == SearchStatus.BUDGET_EXHAUSTED));
    }

    /** @param budget the spend budget reached, for BUDGET_EXHAUSTED */
    record Ending(SearchStatus status, Optional<String> budget) {

        /** As SEARCH_FINISHED publishes it: the status, and for BUDGET_EXHAUSTED the budget reached. */
        String text() {
            return status.name() + budget.map(why -> ": " + why).orElse("");
        }
    }
}
