package io.hpo.aggregator.store;

import io.hpo.events.LifecycleEvent;

import java.util.Optional;

/**
 * What the store needs of a lifecycle event beyond what the codec checks: the fields its type promises.
 * The consumer drops events failing this as corrupt; {@link ResultsStore#applyBatch} refuses them.
 */
public final class EventValidation {
    private EventValidation() {
    }

    public static Optional<String> problem(LifecycleEvent e) {
        return switch (e.type()) {
            case TRIAL_EVALUATED -> e.evaluation().step() == null || e.evaluation().validationLoss() == null
                    || e.evaluation().tokensSeen() == null
                    ? Optional.of("TRIAL_EVALUATED " + e.eventId() + " lacks step, validationLoss or tokensSeen")
                    : Optional.empty();
            case TRIAL_CREATED -> e.config() == null
                    ? Optional.of("TRIAL_CREATED " + e.eventId() + " lacks config")
                    : Optional.empty();
            case TRIAL_EXPLOITED -> e.config() == null || e.exploitation().donor() == null
                    || e.exploitation().step() == null || e.exploitation().previousConfig() == null
                    ? Optional.of("TRIAL_EXPLOITED " + e.eventId() + " lacks config, donor, step or previousConfig")
                    : Optional.empty();
            default -> Optional.empty();
        };
    }
}
