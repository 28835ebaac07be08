package com.pbiexport.worker.storage;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on a loopback port that speaks RFC 5321 far enough for Jakarta Mail (EHLO, STARTTLS, AUTH
 * PLAIN, MAIL, RCPT, DATA, QUIT) and answers chosen commands with chosen replies: the refusals GreenMail cannot
 * produce (421 greeting, 550 recipient, 552 and 451 after DATA) and STARTTLS, which GreenMail lacks. Its TLS
 * certificate is made by the JDK's keytool for 127.0.0.1. Messages accepted are kept as raw bytes.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    public static final String PASSWORD = "scripted-pw";

    private final ServerSocket server;
    private final Thread acceptor;
    private final SSLContext tls;
    private final boolean offerStartTls;
    private final long advertisedSize;
    private final Map<String, String> replies;
    private final Path dataFile;
    final List<byte[]> messages = Collections.synchronizedList(new ArrayList<>());
    /** Commands in the order received, with "TLS" where the connection became encrypted. */
    final List<String> transcript = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param replies        command verb ({@code GREETING}, {@code MAIL}, {@code RCPT}, {@code DATA-END}) to the
     *                       reply line sent instead of the normal one
     * @param advertisedSize EHLO SIZE (0: not advertised)
     */
    ScriptedSmtpServer(SSLContext tls, boolean offerStartTls, long advertisedSize, Map<String, String> replies)
            throws IOException {
        this(tls, offerStartTls, advertisedSize, replies, null);
    }

    /**
     * A server that writes each accepted message to {@code dataFile} (replacing the previous one) instead of
     * keeping it in memory: for messages of hundreds of megabytes (LargeFileBench).
     */
    public static ScriptedSmtpServer toFile(SSLContext tls, Path dataFile) throws IOException {
        return new ScriptedSmtpServer(tls, true, 0, Map.of(), dataFile);
    }

    private ScriptedSmtpServer(SSLContext tls, boolean offerStartTls, long advertisedSize, Map<String, String> replies,
                               Path dataFile) throws IOException {
        this.dataFile = dataFile;
        this.tls = tls;
        this.offerStartTls = offerStartTls;
        this.advertisedSize = advertisedSize;
        this.replies = replies;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "scripted-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                converse(s);
            } catch (IOException e) {
                // client gone or server closed
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket s = plain;
        BufferedReader in = reader(s);
        OutputStream out = s.getOutputStream();
        String greeting = replies.get("GREETING");
        send(out, greeting != null ? greeting : "220 127.0.0.1 scripted ESMTP");
        if (greeting != null && !greeting.startsWith("2")) {
            return;
        }
        boolean encrypted = false;
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            transcript.add(verb);
            String override = replies.get(verb);
            switch (verb) {
                case "EHLO", "HELO" -> {
                    List<String> ext = new ArrayList<>(List.of("127.0.0.1", "AUTH PLAIN"));
                    if (advertisedSize > 0) {
                        ext.add("SIZE " + advertisedSize);
                    }
                    if (offerStartTls && !encrypted) {
                        ext.add("STARTTLS");
                    }
                    for (int i = 0; i < ext.size(); i++) {
                        send(out, "250" + (i == ext.size() - 1 ? " " : "-") + ext.get(i));
                    }
                }
                case "STARTTLS" -> {
                    send(out, "220 2.0.0 ready to start TLS");
                    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
                    secure.setUseClientMode(false);
                    secure.startHandshake();
                    s = secure;
                    in = reader(s);
                    out = s.getOutputStream();
                    encrypted = true;
                    transcript.add("TLS");
                }
                case "AUTH" -> {
                    String[] parts = line.split(" ");
                    String response = parts.length > 2 ? parts[2] : null;
                    if (response == null) {
                        send(out, "334 ");
                        response = in.readLine();
                    }
                    String decoded = new String(Base64.getDecoder().decode(response.strip()), StandardCharsets.UTF_8);
                    send(out, decoded.endsWith("\0" + PASSWORD) ? "235 2.7.0 accepted" : "535 5.7.8 bad credentials");
                }
                case "MAIL", "RCPT", "RSET", "NOOP" -> send(out, override != null ? override : "250 2.1.0 ok");
                case "DATA" -> {
                    send(out, "354 go ahead");
                    String end = replies.get("DATA-END");
                    if (dataFile != null) {
                        try (OutputStream file = new java.io.BufferedOutputStream(Files.newOutputStream(dataFile))) {
                            readData(in, file);
                        }
                    } else {
                        ByteArrayOutputStream data = new ByteArrayOutputStream();
                        readData(in, data);
                        if (end == null) {
                            messages.add(data.toByteArray());
                        }
                    }
                    send(out, end != null ? end : "250 2.0.0 queued");
                }
                case "QUIT" -> {
                    send(out, "221 2.0.0 bye");
                    return;
                }
                default -> send(out, "502 5.5.1 not implemented");
            }
        }
    }

    private static void readData(BufferedReader in, OutputStream data) throws IOException {
        String line;
        while ((line = in.readLine()) != null && !line.equals(".")) {
            String unstuffed = line.startsWith("..") ? line.substring(1) : line;
            data.write((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A certificate for 127.0.0.1 made by keytool: the server's context, and the PEM a client trusts. */
    public record Identity(SSLContext context, Path pem) {
        public static Identity create(Path dir) throws Exception {
            Path keyStore = dir.resolve("smtp.p12");
            char[] pw = "keytool-pw".toCharArray();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", new String(pw), "-keypass", new String(pw))
                    .redirectErrorStream(true).start();
            try (InputStream ignored = p.getInputStream()) {
                ignored.readAllBytes();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, pw);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64,
                    "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("smtp").getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return new Identity(ctx, Files.writeString(dir.resolve("smtp-ca.pem"), pem));
        }
    }
}
