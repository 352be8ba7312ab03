package io.hpo.deploy;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hung test must fail the build instead of hanging CI: the root pom gives Surefire's and Failsafe's forked JVMs a
 * time limit, above what the slowest module's tests take (the driver's, several minutes on a loaded 2-core machine).
 */
class ForkTimeoutTest {
    @Test
    void surefireAndFailsafeForksHaveATimeLimit() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(HelmChartsTest.repositoryRoot().resolve("pom.xml").toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        for (String plugin : new String[] {"maven-surefire-plugin", "maven-failsafe-plugin"}) {
            String config = "/project/build/pluginManagement/plugins/plugin[artifactId='" + plugin + "']/configuration/";
            int timeout = seconds(xpath, pom, config + "forkedProcessTimeoutInSeconds");
            assertTrue(timeout >= 1800, plugin + ": " + timeout + " s, less than 3 times the slowest module's tests");
            assertTrue(seconds(xpath, pom, config + "forkedProcessExitTimeoutInSeconds") > 0, plugin);
        }
    }

    /** The element's number, or the number of the pom property it names. */
    private static int seconds(XPath xpath, Document pom, String path) throws Exception {
        String value = xpath.evaluate(path, pom).strip();
        if (value.startsWith("${")) {
            value = xpath.evaluate("/project/properties/" + value.substring(2, value.length() - 1), pom).strip();
        }
        assertTrue(value.matches("\\d+"), path + ": '" + value + "'");
        return Integer.parseInt(value);
    }
}
