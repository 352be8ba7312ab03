package io.hpo.driver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writes a PNG of the dashboard's own scaling panel for a stored search, as the README shows it: the figure is the
 * panel a user sees, drawn by the dashboard's code from the store, not a second plot of the same numbers. Needs a
 * running aggregator and Debian's chromium. Run with {@code mvn -B -o -q -pl driver -am test -Dtest=ScalingPanelShot
 * -Dsurefire.failIfNoSpecifiedTests=false -Dhpo.shot.search=SEARCH_ID -Dhpo.shot.png=$PWD/docs/NAME.png}, and
 * {@code -Dhpo.shot.url} when the aggregator is not at http://127.0.0.1:8088.
 */
@EnabledIfSystemProperty(named = "hpo.shot.search", matches = ".+")
class ScalingPanelShot {
    // the search page has drawn, and the scaling panel holds its chart (not "computing…" or a reason for no fit)
    private static final String PANEL_STATE = "(() => {"
            + " if (window.__errors && __errors.length) return 'script error: ' + __errors.join('; ');"
            + " const panel = document.querySelector('#scaling');"
            + " if (document.body.getAttribute('data-rendered') !== 'search' || !panel) return '';"
            + " if (panel.querySelector('svg.chart.scaling')) return 'ready';"
            + " const empty = panel.querySelector('.empty');"
            + " return empty && empty.textContent !== 'computing…' ? 'no fit: ' + empty.textContent : ''; })()";

    @Test
    void shoot(@TempDir Path dir) throws Exception {
        String search = System.getProperty("hpo.shot.search");
        Path png = Path.of(System.getProperty("hpo.shot.png", "scaling.png"));
        String url = System.getProperty("hpo.shot.url", "http://127.0.0.1:8088");
        Path binary = DevToolsChromium.binary().orElseThrow(() -> new IllegalStateException(
                "no chromium on the PATH (Debian package chromium)"));
        try (DevToolsChromium browser = DevToolsChromium.launch(binary, dir.resolve("profile"))) {
            browser.load(url + "/#/search/" + URLEncoder.encode(search, StandardCharsets.UTF_8), PANEL_STATE,
                    Duration.ofSeconds(120));
            browser.screenshot(png, "#scaling", 2);
            assertEquals(0, browser.errors().size(), () -> "script errors: " + browser.errors());
        }
        System.out.println("wrote " + png.toAbsolutePath());
    }
}
