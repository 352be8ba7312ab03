package io.hpo.worker.data;

import java.util.Locale;

/** What the demo corpus pairs each declarative sentence with (see {@link QuestionFormationCorpus}). */
public enum DemoTask {
    /** its yes/no question: the main clause's auxiliary moves to the front */
    QUESTION_FORMATION,
    /** its negation: "not" after the main clause's auxiliary */
    NEGATION;

    /** The task a spec names ({@code data.demo_task}: question_formation, negation). */
    public static DemoTask of(String specName) {
        return valueOf(specName.toUpperCase(Locale.ROOT));
    }
}
