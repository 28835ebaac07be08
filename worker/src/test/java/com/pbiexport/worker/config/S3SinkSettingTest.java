package com.pbiexport.worker.config;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The S3 sink's settings: read, defaulted and validated naming the setting. */
class S3SinkSettingTest {

    private static String yaml(String s3Lines) {
        return BASE + "    s3:\n      s3:\n" + s3Lines.indent(8) + "  defaultSink: local\n";
    }

    private static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(() -> load(yaml, ENV), ConfigException.class);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems();
    }

    @Test
    void readsABucketWithTheAwsDefaults() {
        SinkConfig sink = load(yaml("bucket: exports"), ENV).sinks().sink("s3").orElseThrow();

        assertThat(sink).isEqualTo(new SinkConfig.S3("exports", "", Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty(), "none", Optional.empty(), 8L * 1024 * 1024));
        assertThat(sink.kind()).isEqualTo("s3");
    }

    @Test
    void readsAnS3CompatibleServiceWithStaticKeysAndKmsEncryption() {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("S3_KEY", "id");
        env.put("S3_SECRET", "secret");
        SinkConfig sink = load(yaml("""
                bucket: exports
                prefix: pbi/
                region: eu-west-1
                endpoint: http://127.0.0.1:9000
                pathStyle: true
                accessKeyIdEnv: S3_KEY
                secretAccessKeyEnv: S3_SECRET
                serverSideEncryption: aws:KMS
                kmsKeyId: alias/exports
                partSize: 16MiB"""), env).sinks().sink("s3").orElseThrow();

        assertThat(sink).isEqualTo(new SinkConfig.S3("exports", "pbi/", Optional.of("eu-west-1"),
                Optional.of(URI.create("http://127.0.0.1:9000")), true, Optional.of("S3_KEY"),
                Optional.of("S3_SECRET"), Optional.empty(), "aws:kms", Optional.of("alias/exports"),
                16L * 1024 * 1024));
    }

    @Test
    void rejectsAKeyIdWithoutItsSecretNamingBothSettings() {
        assertThat(problems(yaml("bucket: exports\naccessKeyIdEnv: S3_KEY"))).containsExactly(
                "sinks.targets.s3.s3 must set both accessKeyIdEnv and secretAccessKeyEnv, or neither (web identity or"
                        + " the SDK's default credentials); found accessKeyIdEnv");
    }

    @Test
    void rejectsAKmsKeyWithoutKmsEncryption() {
        assertThat(problems(yaml("bucket: exports\nserverSideEncryption: AES256\nkmsKeyId: k1"))).containsExactly(
                "sinks.targets.s3.s3.kmsKeyId is set but serverSideEncryption is AES256; set serverSideEncryption"
                        + " to aws:kms, or remove kmsKeyId");
    }

    @Test
    void rejectsAPlainHttpEndpointUnlessLoopbackAndAPartUnderFiveMebibytes() {
        assertThat(problems(yaml("bucket: exports\nendpoint: http://minio.example.com")))
                .containsExactly("sinks.targets.s3.s3.endpoint must use https (http is allowed only for loopback"
                        + " hosts such as 127.0.0.1), was 'http://minio.example.com'");
        assertThat(String.join("\n", problems(yaml("bucket: exports\npartSize: 1MiB"))))
                .contains("sinks.targets.s3.s3.partSize").contains("between 5242880 and 536870912");
    }
}
