package io.hpo.aggregator.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JdbcUrlsTest {

    @Test
    void userInfoAndSecretParametersGoTheRestStays() {
        assertEquals("jdbc:postgresql://db:5432/hpo", JdbcUrls.redacted("jdbc:postgresql://db:5432/hpo"));
        assertEquals("jdbc:postgresql://db:5432/hpo", JdbcUrls.redacted("jdbc:postgresql://hpo:s3cret@db:5432/hpo"));
        assertEquals("jdbc:postgresql://db/hpo?user=hpo&currentSchema=t1",
                JdbcUrls.redacted("jdbc:postgresql://db/hpo?user=hpo&password=s3cret&currentSchema=t1"));
        assertEquals("jdbc:postgresql://db/hpo?sslmode=verify-full&sslkey=/k.pk8", JdbcUrls.redacted(
                "jdbc:postgresql://db/hpo?sslmode=verify-full&sslkey=/k.pk8&sslpassword=s3cret&PASSWORD=s3cret"));
        assertEquals("jdbc:postgresql://db/hpo", JdbcUrls.redacted("jdbc:postgresql://db/hpo?password=s3cret"));
        assertEquals("jdbc:postgresql://a:1,b:2/hpo?x=1", JdbcUrls.redacted("jdbc:postgresql://u:p@a:1,b:2/hpo?x=1&authToken=t"));
    }
}
