package io.hpo.space.pbt;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import io.hpo.space.pbt.PopulationBasedTraining.Exploitation;
import io.hpo.space.pbt.PopulationBasedTraining.Member;
import io.hpo.space.sampler.SamplingSpace;
import io.hpo.space.spec.PbtSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PopulationBasedTrainingTest {

    /** Every explored hyperparameter varies, and so does the architecture, which exploring must never touch. */
    private static final String SPACE = """
            name: pbt
            seed: 7
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              warmup_steps: {int: [0, 20]}
              dropout: {uniform: [0.0, 0.2]}
              weight_decay: {choice: [0.0, 0.01, 0.1]}
              grad_clip: {uniform: [0.5, 2.0]}
              width: {choice: [32, 64]}
              layers: {int: [1, 3]}
              batch_size: {choice: [8, 16]}
            """;

    private static final Hyperparameters MIDDLE = Hyperparameters.defaults().toBuilder()
            .set(Hyperparameter.LEARNING_RATE, 1.0e-3)
            .set(Hyperparameter.WARMUP_STEPS, 10)
            .set(Hyperparameter.DROPOUT, 0.1)
            .set(Hyperparameter.WEIGHT_DECAY, 0.01)
            .set(Hyperparameter.GRAD_CLIP, 1.0)
            .build();

    private static PopulationBasedTraining pbt(String yaml, double quantile, List<Double> perturb,
                                               double resample) {
        return new PopulationBasedTraining(SamplingSpace.of(SpecLoader.parse(yaml, "pbt.yaml")),
                new PbtSpec(8, 10, quantile, perturb, resample));
    }

    /** Member i has loss losses[i] and a configuration of its own (width and layers tell the members apart). */
    private static List<Member> population(double... losses) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            out.add(new Member("m" + i, MIDDLE.toBuilder().set(Hyperparameter.WIDTH, i % 2 == 0 ? 32 : 64)
                    .set(Hyperparameter.LAYERS, 1 + i % 3).build(), losses[i]));
        }
        return out;
    }

    private static List<Member> reversed(List<Member> members) {
        List<Member> out = new ArrayList<>(members);
        Collections.reverse(out);
        return out;
    }

    private static Hyperparameters of(List<Member> members, String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow().hyperparameters();
    }

    @Test
    void theBottomQuantileCopiesAMemberOfTheTopQuantile() {
        // ranked m3, m0, m5, m1, m6, m2, m4 (3.0), m7 (NaN counts as worst); k = floor(8 * 0.25) = 2
        List<Member> members = population(1.0, 2.0, 2.5, 0.5, 3.0, 1.5, 2.2, Double.NaN);
        List<Exploitation> decisions = pbt(SPACE, 0.25, List.of(0.8, 1.2), 0.25).exploit(40, members);

        assertEquals(List.of("m7", "m4"), decisions.stream().map(Exploitation::member).toList());
        for (Exploitation e : decisions) {
            assertTrue(Set.of("m3", "m0").contains(e.donor()), e.toString());
            assertEquals(40, e.step());
            assertEquals(of(members, e.member()), e.before());
        }
    }

    @Test
    void aLargerQuantileReplacesMoreAndTiesGoByMemberId() {
        List<Member> members = population(1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0);
        List<Exploitation> decisions = pbt(SPACE, 0.5, List.of(0.8, 1.2), 0.25).exploit(10, members);

        assertEquals(List.of("m7", "m6", "m5", "m4"), decisions.stream().map(Exploitation::member).toList());
        decisions.forEach(e -> assertTrue(Set.of("m0", "m1", "m2", "m3").contains(e.donor()), e.toString()));
        // two members: the worse copies the better, whatever the quantile
        List<Exploitation> pair = pbt(SPACE, 0.25, List.of(0.8, 1.2), 0).exploit(10, population(2.0, 1.0));
        assertEquals(1, pair.size());
        assertEquals("m0", pair.get(0).member());
        assertEquals("m1", pair.get(0).donor());
    }

    @Test
    void perturbingMultipliesWithinTheRangeAndKeepsTheArchitecture() {
        List<Member> members = population(1.0, 2.0);
        Exploitation up = pbt(SPACE, 0.5, List.of(1.2), 0).exploit(10, members).get(0);
        Hyperparameters donor = of(members, "m0");

        assertEquals(1.2e-3, up.after().learningRate(), 1e-12);
        assertEquals(12, up.after().warmupSteps());
        assertEquals(0.12, up.after().dropout(), 1e-12);
        assertEquals(0.1, up.after().weightDecay(), 0);      // a choice moves one place up
        assertEquals(1.2, up.after().gradClip(), 1e-12);
        assertEquals(Map.of("learning_rate", "x1.2", "warmup_steps", "x1.2", "dropout", "x1.2",
                "weight_decay", "x1.2", "grad_clip", "x1.2"), up.changes());
        // the member takes the donor's architecture and batch size with its state: they are never explored
        assertEquals(donor.width(), up.after().width());
        assertEquals(donor.layers(), up.after().layers());
        assertEquals(donor.batchSize(), up.after().batchSize());

        Exploitation down = pbt(SPACE, 0.5, List.of(0.1), 0).exploit(10, members).get(0);
        assertEquals(1.0e-4, down.after().learningRate(), 1e-12);
        assertEquals(1, down.after().warmupSteps());
        assertEquals(0.0, down.after().weightDecay(), 0);
        assertEquals(0.5, down.after().gradClip(), 0);       // clamped to the range's lower end

        Exploitation far = pbt(SPACE, 0.5, List.of(10.0), 0).exploit(10, members).get(0);
        assertEquals(1.0e-2, far.after().learningRate(), 0);   // clamped to the upper end
        assertEquals(20, far.after().warmupSteps());
        assertEquals(0.2, far.after().dropout(), 0);
    }

    @Test
    void resamplingDrawsFromTheSpaceAndOnlyWhatItVaries() {
        String partly = SPACE.replace("dropout: {uniform: [0.0, 0.2]}", "dropout: 0.05")
                .replace("grad_clip: {uniform: [0.5, 2.0]}", "grad_clip: 1.0");
        Hyperparameters member = MIDDLE.toBuilder().set(Hyperparameter.DROPOUT, 0.05).build();
        Set<Double> rates = new HashSet<>();
        for (long step = 10; step <= 200; step += 10) {
            Exploitation e = pbt(partly, 0.5, List.of(0.8, 1.2), 1).exploit(step,
                    List.of(new Member("a", member, 1.0), new Member("b", member, 2.0))).get(0);
            assertEquals(Map.of("learning_rate", "resampled", "warmup_steps", "resampled",
                    "weight_decay", "resampled"), e.changes());
            double lr = e.after().learningRate();
            assertTrue(lr >= 1.0e-4 && lr <= 1.0e-2, e.toString());
            assertTrue(e.after().warmupSteps() >= 0 && e.after().warmupSteps() <= 20, e.toString());
            assertTrue(List.of(0.0, 0.01, 0.1).contains(e.after().weightDecay()), e.toString());
            assertEquals(0.05, e.after().dropout(), 0);
            assertEquals(1.0, e.after().gradClip(), 0);
            rates.add(lr);
        }
        assertTrue(rates.size() > 15, "fresh draws at each step: " + rates);
    }

    @Test
    void anInactiveConditionalHyperparameterStaysAsItIs() {
        String conditional = """
                name: pbt
                space:
                  schedule: {choice: [constant, linear]}
                  warmup_steps: {int: [5, 9], when: {schedule: [linear]}, otherwise: 0}
                """;
        Hyperparameters constant = Hyperparameters.defaults().toBuilder()
                .set(Hyperparameter.SCHEDULE, Schedule.CONSTANT)
                .set(Hyperparameter.WARMUP_STEPS, 0).build();
        Exploitation e = pbt(conditional, 0.5, List.of(1.2), 1).exploit(10,
                List.of(new Member("a", constant, 1.0), new Member("b", constant, 2.0))).get(0);

        assertEquals(Map.of(), e.changes());
        assertEquals(constant, e.after());
    }

    @Test
    void anExplorationBreakingAConstraintFallsBackToTheDonorsConfiguration() {
        String capped = SPACE + """
                constraints:
                  - learning_rate <= 0.001
                """;
        List<Member> members = population(1.0, 2.0);
        Exploitation e = pbt(capped, 0.5, List.of(1.2), 0).exploit(10, members).get(0);

        assertEquals(of(members, "m0"), e.after());
        assertEquals(Map.of(), e.changes());
        Exploitation lower = pbt(capped, 0.5, List.of(0.8), 0).exploit(10, members).get(0);
        assertEquals(0.8e-3, lower.after().learningRate(), 1e-12);
    }

    @Test
    void decisionsDependOnlyOnTheSeedTheStepAndTheLosses() {
        List<Member> members = population(1.0, 2.0, 2.5, 0.5, 3.0, 1.5, 2.2, 1.7);
        List<Exploitation> first = pbt(SPACE, 0.25, List.of(0.8, 1.2), 0.25).exploit(30, members);

        assertEquals(first, pbt(SPACE, 0.25, List.of(0.8, 1.2), 0.25).exploit(30, members));
        assertEquals(first, pbt(SPACE, 0.25, List.of(0.8, 1.2), 0.25).exploit(30, reversed(members)));
        List<List<Exploitation>> otherSteps = new ArrayList<>();
        for (long step = 40; step <= 100; step += 10) {
            otherSteps.add(pbt(SPACE, 0.25, List.of(0.8, 1.2), 0.25).exploit(step, members));
        }
        assertTrue(otherSteps.stream().anyMatch(d -> !d.equals(first)), "the step seeds the draws");
        assertNotEquals(first, pbt(SPACE.replace("seed: 7", "seed: 8"), 0.25, List.of(0.8, 1.2), 0.25)
                .exploit(30, members));
    }
}
