package io.hpo.driver;

import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.spec.BudgetSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchPolicyTest {
    private static final BudgetSpec FIVE_TRIALS_TWO_AT_A_TIME = new BudgetSpec(5, 2, 100, Duration.ofMinutes(10),
            Map.of(SpendMeasure.TOKENS, 50_000.0));
    private static final Spend UNDER = new Spend(1, 49_999, 0, 0, 0, 0);
    private static final Spend REACHED = new Spend(1, 50_000, 0, 0, 0, 0);

    private final long[] now = {1_000};
    private final boolean[] cancelled = {false};
    private final List<String> reached = new ArrayList<>();

    private LaunchPolicy policy(BudgetSpec budget) {
        return new LaunchPolicy(budget, 1_000, () -> now[0], () -> cancelled[0], reached::add);
    }

    @Test
    void launchesUpToTheConcurrencyAndTheTrialBudgetThenCompletes() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        assertEquals(2, LaunchPolicy.concurrency(FIVE_TRIALS_TWO_AT_A_TIME));
        assertTrue(p.mayLaunch(0, 0, Spend.NONE));
        assertTrue(p.mayLaunch(1, 1, Spend.NONE));
        assertFalse(p.mayLaunch(2, 2, Spend.NONE), "two already run");
        assertTrue(p.mayLaunch(1, 4, UNDER));
        assertFalse(p.mayLaunch(0, 5, UNDER), "all five launched");
        assertEquals(new LaunchPolicy.Ending(SearchStatus.COMPLETED, Optional.empty()), p.ending());
        assertEquals("COMPLETED", p.ending().text());
        assertEquals(List.of(), reached);
        assertEquals(3, LaunchPolicy.concurrency(new BudgetSpec(3, 8, 100, Duration.ofMinutes(1))),
                "never more at once than trials in all");
    }

    @Test
    void aReachedSpendBudgetIsToldOnceAndStopsLaunchingForGood() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        assertFalse(p.mayLaunch(1, 2, REACHED));
        assertFalse(p.mayLaunch(0, 2, REACHED));
        String why = FIVE_TRIALS_TWO_AT_A_TIME.spendExhausted(REACHED).orElseThrow();
        assertEquals(List.of(why), reached);
        assertEquals(SearchStatus.BUDGET_EXHAUSTED, p.ending().status());
        assertEquals("BUDGET_EXHAUSTED: " + why, p.ending().text());
    }

    @Test
    void aSpendBudgetIsNotCheckedWhileAnotherConditionAlreadyStopsLaunching() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        assertFalse(p.mayLaunch(2, 2, REACHED), "two run: no launch, so no budget verdict either");
        assertEquals(List.of(), reached);
        assertEquals(SearchStatus.COMPLETED, p.ending().status());
    }

    @Test
    void pastTheDeadlineNothingLaunchesAndTheSearchRanOutOfWallTime() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        now[0] = 1_000 + Duration.ofMinutes(10).toMillis();
        assertFalse(p.pastDeadline(), "the deadline itself is still inside the budget");
        assertTrue(p.mayLaunch(0, 0, Spend.NONE));
        now[0]++;
        assertTrue(p.pastDeadline());
        assertFalse(p.mayLaunch(0, 1, Spend.NONE));
        assertEquals("WALL_TIME_EXCEEDED", p.ending().text());
    }

    @Test
    void cancellationStopsLaunchingAndNamesTheEndBeforeWallTimeAndBudget() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        assertFalse(p.mayLaunch(0, 0, REACHED));
        cancelled[0] = true;
        now[0] = Long.MAX_VALUE;
        assertFalse(p.mayLaunch(0, 0, Spend.NONE));
        assertEquals(new LaunchPolicy.Ending(SearchStatus.CANCELLED, Optional.empty()), p.ending());
    }

    @Test
    void anExhaustedSpaceStopsLaunchingForGoodAndTheSearchCompletes() {
        LaunchPolicy p = policy(FIVE_TRIALS_TWO_AT_A_TIME);
        p.spaceExhausted();
        assertFalse(p.mayLaunch(0, 1, Spend.NONE));
        assertEquals(SearchStatus.COMPLETED, p.ending().status());
    }
}
