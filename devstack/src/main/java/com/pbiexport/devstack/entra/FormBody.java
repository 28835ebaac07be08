package com.pbiexport.devstack.entra;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A strictly parsed {@code application/x-www-form-urlencoded} body. Bad percent escapes or invalid UTF-8
 * answer AADSTS9002313 (malformed request); a parameter sent twice answers AADSTS9000411, as Entra does.
 * Parameter names are case-sensitive, like Entra's.
 */
record FormBody(Map<String, String> params) {

    static FormBody parse(byte[] body) {
        // split on ASCII delimiters over the raw bytes (ISO-8859-1 maps bytes 1:1), decode UTF-8 after unescaping
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Map<String, String> out = new LinkedHashMap<>();
        if (!text.isBlank()) {
            for (String pair : text.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = unescape(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
                if (out.putIfAbsent(name, value) != null) {
                    throw new EntraRejection(EntraError.duplicateParameter(name));
                }
            }
        }
        return new FormBody(Collections.unmodifiableMap(out));
    }

    /** The value when present and not blank (Entra treats an empty parameter as missing). */
    Optional<String> get(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String require(String name) {
        return get(name).orElseThrow(() -> new EntraRejection(EntraError.missingParameter(name)));
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EntraRejection(EntraError.malformedRequest());
        }
    }

    /** URL-decodes one name or value; {@link java.net.URLDecoder} would accept some broken escapes silently. */
    private static String unescape(String latin1) {
        byte[] buf = new byte[latin1.length()];
        int n = 0;
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '+') {
                buf[n++] = ' ';
            } else if (c == '%') {
                if (i + 2 >= latin1.length()) {
                    throw new EntraRejection(EntraError.malformedRequest());
                }
                int hi = Character.digit(latin1.charAt(i + 1), 16);
                int lo = Character.digit(latin1.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new EntraRejection(EntraError.malformedRequest());
                }
                buf[n++] = (byte) (hi * 16 + lo);
                i += 2;
            } else {
                buf[n++] = (byte) c;
            }
        }
        byte[] exact = new byte[n];
        System.arraycopy(buf, 0, exact, 0, n);
        return decodeUtf8(exact);
    }
}
