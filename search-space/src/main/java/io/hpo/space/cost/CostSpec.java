package io.hpo.space.cost;

import java.io.Serializable;

/**
 * Prices the driver turns a trial's measured executor time into energy, emissions and money with
 * ({@link Spend#ofTrial}); the spec's {@code cost:} section, defaults in {@code SpecDefaults}.
 *
 * @param deviceWatts        power one worker draws while its trial runs, W
 * @param gridGramsCo2PerKwh carbon intensity of the electricity, gCO2/kWh
 * @param pricePerHour       price of one worker for one hour, in any currency
 */
public record CostSpec(double deviceWatts, double gridGramsCo2PerKwh, double pricePerHour) implements Serializable {

    public CostSpec {
        if (!(deviceWatts >= 0 && gridGramsCo2PerKwh >= 0 && pricePerHour >= 0) || !Double.isFinite(deviceWatts)
                || !Double.isFinite(gridGramsCo2PerKwh) || !Double.isFinite(pricePerHour)) {
            throw new IllegalArgumentException("cost settings must be finite and >= 0: device_watts " + deviceWatts
                    + ", grid_gco2_per_kwh " + gridGramsCo2PerKwh + ", price_per_hour " + pricePerHour);
        }
    }
}
