package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The e-mail sink's identifiers: a request's Message-ID is the same on every send (a resend is recognisable) and
 * differs between requests and between sinks with other addresses; the attachment's URI is RFC 2392's
 * {@code mid:<message-id>/<content-id>} without the angle brackets.
 */
class EmailIdsTest {

    private static EmailSettings settings(String from, List<String> to) {
        return new EmailSettings("smtp.example.com", 587, EmailSettings.Security.STARTTLS, Optional.empty(),
                Optional.empty(), from, to, List.of(), "{fileName}", 1000, Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Path.of("/tmp"));
    }

    @Test
    void theSameRequestToTheSameAddressesGetsTheSameMessageId() {
        EmailSettings s = settings("exporter@example.com", List.of("finance@example.com"));

        assertThat(EmailSink.Ids.of("req-1", s)).isEqualTo(EmailSink.Ids.of("req-1", s));
        assertThat(EmailSink.Ids.of("req-1", s).messageId()).isNotEqualTo(EmailSink.Ids.of("req-2", s).messageId());
        assertThat(EmailSink.Ids.of("req-1", s).messageId()).isNotEqualTo(EmailSink.Ids.of("req-1",
                settings("exporter@example.com", List.of("audit@example.com"))).messageId());
    }

    @Test
    void idsAreRfc5322MessageIdsInTheSendersDomainAndTheUriIsAMidUri() {
        EmailSink.Ids ids = EmailSink.Ids.of("any id, even with spaces/slashes and ünïcode",
                settings("Exporter@Reports.Example.com", List.of("finance@example.com")));

        assertThat(ids.messageId()).matches("<pbiexport\\.[0-9a-f]{32}@Reports\\.Example\\.com>");
        assertThat(ids.contentId()).matches("<file\\.[0-9a-f]{32}@Reports\\.Example\\.com>");
        assertThat(ids.uri().getScheme()).isEqualTo("mid");
        assertThat(ids.uri().toString()).isEqualTo("mid:" + ids.messageId().substring(1, ids.messageId().length() - 1)
                + "/" + ids.contentId().substring(1, ids.contentId().length() - 1));
    }

    @Test
    void encodedSizeIsFourThirdsWithLineBreaksAndRoomForHeaders() {
        // 3 bytes -> 4 base64 characters; a CRLF per 76 characters; 16 KiB for headers and the text part
        assertThat(EmailSink.encodedSize(3 * 19)).isEqualTo(76 + 2 + 16_384);
        assertThat(EmailSink.encodedSize(1 << 20)).isBetween((long) ((1 << 20) * 4 / 3.0),
                (long) ((1 << 20) * 1.4) + 16_384);
    }

    @Test
    void theLargestAttachmentForAServerLimitFitsThatLimit() {
        long limit = 25_000_000; // a server's EHLO SIZE
        long largest = EmailSink.largestAttachment(limit);

        assertThat(EmailSink.encodedSize(largest)).isLessThanOrEqualTo(limit);
        assertThat(EmailSink.encodedSize(largest + 57)).isGreaterThan(limit);
    }

    @Test
    void aReplyCodeIsFoundInJakartaMailsTextMessages() {
        assertThat(EmailFailures.replyCode(new Exception("Could not connect to SMTP host: h, port: 25, response: 421")))
                .isEqualTo(421);
        assertThat(EmailFailures.replyCode(new Exception("552 5.3.4 Message size exceeds fixed maximum"))).isEqualTo(552);
        assertThat(EmailFailures.replyCode(new Exception("Connection reset"))).isNull();
    }
}
