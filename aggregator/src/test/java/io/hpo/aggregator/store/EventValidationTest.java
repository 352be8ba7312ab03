package io.hpo.aggregator.store;

import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A TRIAL_EXPLOITED event is stored only with what the lineage reads from it. */
class EventValidationTest {

    @Test
    void anExploitLackingItsDonorStepOrConfigurationsIsRefusedWithTheReason() throws Exception {
        LifecycleEvent whole = LifecycleEvent.trialExploited("s", "t", "u", 5, Map.of("learning_rate", 0.1),
                Map.of("learning_rate", 0.12), Map.of("learning_rate", "x1.2"));
        assertEquals(Optional.empty(), EventValidation.problem(whole));
        String json = new String(EventCodec.encode(whole), StandardCharsets.UTF_8);
        for (String field : new String[]{"\"donor\":\"u\",", "\"step\":5,", "\"config\":{\"learning_rate\":0.12},"}) {
            assertEquals(json.replace(field, "").length(), json.length() - field.length(), field + " in " + json);
            LifecycleEvent lacking = EventCodec.decodeLifecycle(json.replace(field, "")
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("TRIAL_EXPLOITED s/t/TRIAL_EXPLOITED/5 lacks config, donor, step or"
                    + " previousConfig"), EventValidation.problem(lacking), field);
        }
    }
}
