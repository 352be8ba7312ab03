package io.hpo.driver;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.trial.TrialPlan;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrialPlanTest {

    /** Validation loss is only comparable across trials measured on the same windows. */
    @Test
    void everyTrialIsScoredOnValidationBatchesOfTheSpacesLargestBatchSize() {
        SearchSpec spec = SpecLoader.parse("""
                name: plans
                training: {eval_batches: 3}
                space:
                  batch_size: {choice: [8, 32, 16]}
                """, "plans.yaml");
        Map<String, Object> values = new HashMap<>(Hyperparameters.defaults().toMap());
        values.put(Hyperparameter.BATCH_SIZE.name(), 8);
        TrialPlan plan = SearchRunner.plan(spec, "s", 4, Hyperparameters.fromMap(values), 1);

        assertEquals(8, plan.hyperparameters().batchSize());
        assertEquals(32, plan.evalBatchSize());
        assertEquals(3, plan.evalBatches());
        assertEquals(32, plan.nextAttempt().evalBatchSize());
    }
}
