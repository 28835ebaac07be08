package com.pbiexport.worker.storage;

import com.pbiexport.worker.net.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Closing an S3 sink releases what {@link S3Clients} built for it: the S3 client's connection pool and, with web
 * identity, the credentials provider and the STS client it refreshes with (which the provider leaves open). The
 * clients are real; a closed pool refuses work before anything goes on the wire, so no server is needed.
 */
class S3SinkCloseTest {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    @TempDir
    Path dir;

    @Test
    void closingTheSinkShutsItsS3ClientDown() {
        S3Sink sink = S3Clients.sink(settings(Optional.of(new S3Clients.StaticKeys("k", "s", Optional.empty(),
                "$K / $S"))), ProxyConfig.direct(), Map.of());

        sink.close();

        assertThatThrownBy(sink::checkReady).hasStackTraceContaining("shut down");
    }

    @Test
    void closingAWebIdentitySinkAlsoClosesTheStsClientItsProviderWasGiven() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "header.payload.signature");
        S3Sink sink = S3Clients.sink(settings(Optional.empty()), ProxyConfig.direct(), Map.of(
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/exporter",
                "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString()));
        assertThat(sink.owned()).hasSize(2);
        assertThat(sink.owned().get(0)).isInstanceOf(StsWebIdentityTokenFileCredentialsProvider.class);
        StsClient sts = (StsClient) sink.owned().get(1);

        sink.close();

        assertThatThrownBy(sts::getCallerIdentity).hasStackTraceContaining("shut down");
    }

    private static S3Clients.Settings settings(Optional<S3Clients.StaticKeys> keys) {
        return new S3Clients.Settings("exports", "", Optional.of("eu-west-1"), Optional.of(NOWHERE), true, keys,
                S3Sink.Encryption.NONE, S3Sink.MIN_PART_BYTES);
    }
}
