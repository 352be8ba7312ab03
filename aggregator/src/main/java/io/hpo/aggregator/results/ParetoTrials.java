package io.hpo.aggregator.results;

import java.util.List;

/**
 * A search's trials placed by best validation loss against one cost measure, for the API and CLI.
 *
 * @param cost   the measure's key ({@link io.hpo.space.cost.SpendMeasure#key()})
 * @param unit   its unit
 * @param front  the non-dominated trials, cheapest first
 * @param total  how many trials have a finite best loss and a known cost
 * @param trials those trials in ranking order, or the page of them asked for
 */
public record ParetoTrials(String searchId, String cost, String unit, List<Trial> front, int total,
                           List<Trial> trials) {

    /** One trial as a point; {@code onFront} when no other trial has both a lower loss and a lower cost. */
    public record Trial(String trialId, String status, double bestValLoss, double cost, boolean onFront,
                        String overfitting) {
    }
}
