package io.hpo.driver.warm;

import io.hpo.space.warm.EarlierTrial;

import java.util.List;

/**
 * A search as the results store holds it, read for a warm start.
 *
 * @param searchId its id
 * @param finished whether its SEARCH_FINISHED event arrived
 * @param specYaml its recorded spec; null when its SEARCH_STARTED event has not arrived
 * @param trials   its trials, in trial id order
 */
record EarlierSearch(String searchId, boolean finished, String specYaml, List<EarlierTrial> trials) {

    EarlierSearch {
        trials = List.copyOf(trials);
    }
}
