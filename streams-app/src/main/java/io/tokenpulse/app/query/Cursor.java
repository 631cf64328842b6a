package io.tokenpulse.app.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A page cursor: the last tokenId of the page, base64url. Pages are sorted by tokenId, so "after this id" stays
 * right while tokens come and go, and on every instance alike (no server-side state, no offsets that shift).
 */
public final class Cursor {
    private Cursor() {
    }

    public static String encode(String lastTokenId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastTokenId.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String cursor) {
        if (cursor.isEmpty() || cursor.length() > 1024) {
            throw ApiException.badRequest("parameter 'cursor' is not a cursor from an earlier page");
        }
        try {
            String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (id.isEmpty() || !encode(id).equals(cursor)) {
                throw ApiException.badRequest("parameter 'cursor' is not a cursor from an earlier page");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("parameter 'cursor' is not a cursor from an earlier page");
        }
    }
}
