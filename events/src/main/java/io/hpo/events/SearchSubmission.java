package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a SEARCH_STARTED event reports: the search as submitted.
 *
 * @param searchName the spec's name
 * @param specYaml   the full spec as submitted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchSubmission(String searchName, String specYaml) {
}
