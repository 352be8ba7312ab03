package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a TRIAL_EVALUATED event reports. The fields are nullable only so that a record lacking one still decodes and
 * is refused with the reason (the aggregator's event validation), rather than failing to parse.
 *
 * @param step           global step reached
 * @param validationLoss mean per-token cross-entropy on the validation split, nats
 * @param tokensSeen     training tokens consumed so far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialEvaluation(Long step, Double validationLoss, Long tokensSeen) {
}
