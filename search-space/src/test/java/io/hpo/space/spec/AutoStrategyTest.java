package io.hpo.space.spec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoStrategyTest {

    private static StrategySpec load(String rest) {
        return SpecLoader.parse("name: a\nstrategy: {type: auto" + rest, "auto.yaml").strategy();
    }

    private static final String THREE_RANGES = "space:\n  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}\n"
            + "  dropout: {uniform: [0.0, 0.3]}\n  width: {choice: [32, 64]}\n";

    @Test
    void aSpaceTheBudgetCoversIsSearchedByGrid() {
        StrategySpec s = load("}\nbudget: {max_trials: 6}\nspace:\n  width: {choice: [32, 64]}\n"
                + "  layers: {int: [1, 3]}\n");
        assertEquals(StrategyType.GRID, s.type(), "2 × 3 configurations, 6 trials");
        assertEquals(StrategyType.GP, load("}\nbudget: {max_trials: 5}\nspace:\n  width: {choice: [32, 64]}\n"
                + "  layers: {int: [1, 3]}\n").type(), "one configuration more than trials: a model chooses");
    }

    @Test
    void tensOfTrialsOverFewDimensionsGetGpAndMoreGetTpe() {
        assertEquals(StrategyType.GP, load("}\nbudget: {max_trials: 40}\n" + THREE_RANGES).type());
        assertEquals(StrategyType.GP, load("}\nbudget: {max_trials: " + AutoStrategy.GP_MAX_TRIALS + "}\n"
                + THREE_RANGES).type());
        assertEquals(StrategyType.TPE, load("}\nbudget: {max_trials: " + (AutoStrategy.GP_MAX_TRIALS + 1) + "}\n"
                + THREE_RANGES).type());
        StringBuilder nine = new StringBuilder("space:\n");
        for (String name : new String[]{"learning_rate", "dropout", "weight_decay", "warmup_steps", "batch_size",
                "layers", "width", "mlp_multiplier", "grad_clip"}) {
            nine.append("  ").append(name).append(name.equals("width") ? ": {choice: [32, 64]}\n"
                    : name.equals("learning_rate") ? ": {log_uniform: [1.0e-4, 1.0e-2]}\n"
                    : name.equals("dropout") || name.equals("grad_clip") || name.equals("weight_decay")
                    ? ": {uniform: [0.0, 0.3]}\n" : ": {int: [1, 4]}\n");
        }
        assertEquals(StrategyType.TPE, load("}\nbudget: {max_trials: 30}\n" + nine).type(),
                "9 searched hyperparameters: more than a GP kernel serves well");
    }

    @Test
    void underHyperbandTpeFittedOnFinalLossesUnderAshaTheSizeRule() {
        String hyperband = "}\nbudget: {max_trials: 40, max_steps_per_trial: 90}\npruner: {type: hyperband, min_steps: 10}\n"
                + THREE_RANGES;
        StrategySpec s = load(hyperband);
        assertEquals(StrategyType.TPE, s.type(), "40 trials: GP without a pruner, TPE under Hyperband");
        assertFalse(s.tpe().multiFidelity());
        assertTrue(load(", multi_fidelity: true" + hyperband).tpe().multiFidelity(), "the spec's own setting stands");
        StrategySpec asha = load("}\nbudget: {max_trials: 40, max_steps_per_trial: 90}\npruner: {type: asha,"
                + " min_steps: 10}\n" + THREE_RANGES);
        assertEquals(StrategyType.GP, asha.type());
        assertFalse(asha.gp().multiFidelity());
    }

    @Test
    void aMultiObjectiveSearchGetsTpeWhichSearchesForTheFront() {
        assertEquals(StrategyType.TPE, load("}\nobjectives: [val_loss, energy_kwh]\nbudget: {max_trials: 40}\n"
                + THREE_RANGES).type(), "gp would be chosen for one objective");
    }

    @Test
    void aModelBasedChoiceStartsWithTheBenchmarksStartUpTrialsUnlessTheSpecSetsThem() {
        assertEquals(AutoStrategy.STARTUP_TRIALS, load("}\nbudget: {max_trials: 40}\n" + THREE_RANGES).gp()
                .startupTrials());
        assertEquals(AutoStrategy.STARTUP_TRIALS, load("}\nbudget: {max_trials: 400}\n" + THREE_RANGES).tpe()
                .startupTrials());
        assertEquals(4, load(", startup_trials: 4}\nbudget: {max_trials: 40}\n" + THREE_RANGES).gp().startupTrials());
        assertEquals(SpecDefaults.TPE_STARTUP_TRIALS, SpecLoader.parse("name: a\nstrategy: {type: gp}\n"
                + THREE_RANGES, "gp.yaml").strategy().gp().startupTrials(), "gp named outright keeps the default");
    }

    @Test
    void theRecordSaysWhatRan() {
        SearchSpec spec = SpecLoader.parse("name: a\nstrategy: {type: auto}\nbudget: {max_trials: 40}\n"
                + THREE_RANGES, "auto.yaml");
        String canonical = SpecWriter.canonical(spec);
        assertTrue(canonical.contains("  type: gp\n"), canonical);
        assertTrue(canonical.contains("  startup_trials: " + AutoStrategy.STARTUP_TRIALS + "\n"), canonical);
        assertEquals(StrategyType.GP, SpecLoader.parseRecorded(canonical, "record").strategy().type());
    }
}
