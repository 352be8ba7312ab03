package io.hpo.driver;

import io.hpo.events.BusConfig;
import org.apache.spark.SparkConf;

import java.util.HashMap;
import java.util.Map;

/**
 * The driver's settings: every {@code hpo.*} key (see {@link BusConfig}) from JVM system properties, overridden by
 * the Spark configuration's {@code spark.hpo.*} keys (what {@code spark-submit --conf} passes).
 */
final class DriverSettings {
    static final String SPARK_PREFIX = "spark.";

    private DriverSettings() {
    }

    static BusConfig bus(SparkConf conf) {
        Map<String, String> settings = new HashMap<>();
        System.getProperties().forEach((k, v) -> settings.put(k.toString(), v.toString()));
        for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix(SPARK_PREFIX + "hpo.")) {
            settings.put("hpo." + kv._1(), kv._2());
        }
        return BusConfig.from(settings);
    }
}
