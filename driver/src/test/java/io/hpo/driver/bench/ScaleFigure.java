package io.hpo.driver.bench;

/** One row of the scale benchmark's table: what was measured, the figure, and the target it is held to. */
public record ScaleFigure(String measure, String value, String target) {
}
