package io.hpo.aggregator.store;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverfittingRuleTest {

    @Test
    void aValidationLossFarAboveTheTrainingLossIsFlaggedWithTheNumbers() {
        assertEquals(Optional.of("validation loss 1.800 exceeds training loss 1.000 by 0.800 nats (x1.80) at step 40"),
                OverfittingRule.verdict(40, 1.8, 1.0, null, null));
    }

    @Test
    void bothTheGapAndTheRatioMustBeExceeded() {
        // gap 0.6 but ratio 1.2: a high loss early in training
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 3.6, 3.0, null, null));
        // ratio 3 but gap 0.2: two small losses
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 0.3, 0.1, null, null));
        // exactly at the gap: not over it
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 1.5, 1.0, null, null));
        assertTrue(OverfittingRule.verdict(10, 1.51, 1.0, null, null).isPresent());
        // a training loss above the validation loss is never overfitting
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 1.0, 2.0, 10L, 1L));
    }

    @Test
    void aTrainingLossNearZeroIsMemorisingOnlyWhenTheModelCanHoldTheData() {
        assertEquals(Optional.of("training loss 0.050 nats at step 90 with N = 200000 parameters >= D = 150000"
                + " training tokens: memorising"), OverfittingRule.verdict(90, 0.3, 0.05, 200_000L, 150_000L));
        assertEquals(Optional.empty(), OverfittingRule.verdict(90, 0.3, 0.05, 100_000L, 150_000L),
                "more data than parameters: a low loss is learning, not storing");
        assertEquals(Optional.empty(), OverfittingRule.verdict(90, 0.3, 0.05, null, null), "N and D unknown yet");
    }

    @Test
    void noVerdictWithoutAFiniteTrainingAndValidationLoss() {
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 2.0, null, null, null));
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, 2.0, Double.NaN, null, null));
        assertEquals(Optional.empty(), OverfittingRule.verdict(10, Double.POSITIVE_INFINITY, 0.5, null, null));
    }
}
