package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.scenario.Workspace;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The OData options of Get Groups and Get Groups As Admin: {@code $filter}, {@code $top}, {@code $skip}. The filter
 * grammar covers what clients send: {@code name eq 'X'}, {@code id eq 'X'}, {@code ne}, {@code contains(name,'X')},
 * {@code startswith}/{@code endswith}, {@code isOnDedicatedCapacity eq true}, {@code capacityId eq 'X'}, combined
 * with {@code and}/{@code or}/{@code not} and parentheses; the admin form also knows {@code type} and
 * {@code state} (every simulated workspace is an Active Workspace). String comparisons ignore case, as workspace
 * names do in Power BI. Anything else answers 400 InvalidRequest.
 */
final class ODataQuery {
    /** Largest {@code $top} Get Groups As Admin accepts. */
    static final int ADMIN_MAX_TOP = 5000;

    private final Predicate<Workspace> filter;
    private final int top;
    private final int skip;

    private ODataQuery(Predicate<Workspace> filter, int top, int skip) {
        this.filter = filter;
        this.top = top;
        this.skip = skip;
    }

    /** Get Groups: every option optional. */
    static ODataQuery parse(String rawQuery) {
        Map<String, String> params = params(rawQuery);
        return new ODataQuery(filter(params, FilterParser.FIELDS), nonNegative(params, "$top", Integer.MAX_VALUE),
                nonNegative(params, "$skip", 0));
    }

    /**
     * Get Groups As Admin: {@code $top} is mandatory and must be 1..{@value #ADMIN_MAX_TOP} (Microsoft's reference);
     * {@code $expand} (users, reports, dashboards, datasets, dataflows, workbooks in the real API) is not simulated
     * and answers 400 rather than being silently dropped.
     */
    static ODataQuery parseAdmin(String rawQuery) {
        Map<String, String> params = params(rawQuery);
        if (params.containsKey("$expand")) {
            throw ApiError.invalidRequest("Parameter $expand is not supported by the simulator's GetGroupsAsAdmin")
                    .toFailure();
        }
        int top = nonNegative(params, "$top", -1);
        if (top < 1 || top > ADMIN_MAX_TOP) {
            throw ApiError.invalidRequest("Parameter $top is missing or invalid: it is mandatory and must be in the range 1-"
                    + ADMIN_MAX_TOP).toFailure();
        }
        return new ODataQuery(filter(params, FilterParser.ADMIN_FIELDS), top, nonNegative(params, "$skip", 0));
    }

    private static Predicate<Workspace> filter(Map<String, String> params, Set<String> fields) {
        String f = params.get("$filter");
        return f == null || f.isBlank() ? w -> true : new FilterParser(f, fields).parseAll();
    }

    List<Workspace> apply(List<Workspace> workspaces) {
        return workspaces.stream().filter(filter).skip(skip).limit(top).toList();
    }

    private static int nonNegative(Map<String, String> params, String name, int dflt) {
        String v = params.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 400 below
        }
        throw ApiError.invalidRequest("Parameter " + name + " is missing or invalid").toFailure();
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                        URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException badEscape) {
                throw ApiError.invalidRequest("The query string is not valid").toFailure();
            }
        }
        return out;
    }

    /** Recursive descent over a tokenised filter; every error is a 400 naming the filter. */
    private static final class FilterParser {
        static final Set<String> FIELDS =
                Set.of("name", "id", "capacityid", "isondedicatedcapacity", "isreadonly");
        static final Set<String> ADMIN_FIELDS =
                Set.of("name", "id", "capacityid", "isondedicatedcapacity", "isreadonly", "type", "state");
        private final Set<String> fields;
        private final String source;
        private final List<String> tokens = new ArrayList<>();
        private int pos;

        FilterParser(String source, Set<String> fields) {
            this.source = source;
            this.fields = fields;
            tokenize(source);
        }

        Predicate<Workspace> parseAll() {
            Predicate<Workspace> p = or();
            if (pos != tokens.size()) {
                throw invalid();
            }
            return p;
        }

        private Predicate<Workspace> or() {
            Predicate<Workspace> p = and();
            while (peekIs("or")) {
                pos++;
                p = p.or(and());
            }
            return p;
        }

        private Predicate<Workspace> and() {
            Predicate<Workspace> p = unary();
            while (peekIs("and")) {
                pos++;
                p = p.and(unary());
            }
            return p;
        }

        private Predicate<Workspace> unary() {
            if (peekIs("not")) {
                pos++;
                return unary().negate();
            }
            if (peekIs("(")) {
                pos++;
                Predicate<Workspace> p = or();
                expect(")");
                return p;
            }
            String word = next();
            String lower = word.toLowerCase(Locale.ROOT);
            if (lower.equals("contains") || lower.equals("startswith") || lower.equals("endswith")) {
                expect("(");
                String field = field(next());
                expect(",");
                String literal = string(next());
                expect(")");
                return w -> {
                    String v = value(w, field);
                    if (v == null) {
                        return false;
                    }
                    String a = v.toLowerCase(Locale.ROOT);
                    String b = literal.toLowerCase(Locale.ROOT);
                    return switch (lower) {
                        case "contains" -> a.contains(b);
                        case "startswith" -> a.startsWith(b);
                        default -> a.endsWith(b);
                    };
                };
            }
            String field = field(word);
            String op = next().toLowerCase(Locale.ROOT);
            if (!op.equals("eq") && !op.equals("ne")) {
                throw invalid();
            }
            String literal = literal(next());
            Predicate<Workspace> equal = w -> {
                String v = value(w, field);
                return literal == null ? v == null : literal.equalsIgnoreCase(v);
            };
            return op.equals("eq") ? equal : equal.negate();
        }

        private static String value(Workspace w, String field) {
            return switch (field) {
                case "name" -> w.name();
                case "id" -> w.id();
                case "capacityid" -> w.capacityId();
                case "isondedicatedcapacity" -> String.valueOf(w.capacityId() != null);
                case "isreadonly" -> "false";
                case "type" -> "Workspace";
                case "state" -> "Active";
                default -> null;
            };
        }

        private String field(String token) {
            String f = token.toLowerCase(Locale.ROOT);
            if (!fields.contains(f)) {
                throw invalid();
            }
            return f;
        }

        private String literal(String token) {
            if (token.startsWith("'")) {
                return string(token);
            }
            String t = token.toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return t;
            }
            if (t.equals("null")) {
                return null;
            }
            if (ApiRoute.GUID.matcher(token).matches()) {
                return token;
            }
            throw invalid();
        }

        private String string(String token) {
            if (token.length() < 2 || !token.startsWith("'") || !token.endsWith("'")) {
                throw invalid();
            }
            return token.substring(1, token.length() - 1).replace("''", "'");
        }

        private boolean peekIs(String s) {
            return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(s);
        }

        private void expect(String s) {
            if (!peekIs(s)) {
                throw invalid();
            }
            pos++;
        }

        private String next() {
            if (pos >= tokens.size()) {
                throw invalid();
            }
            return tokens.get(pos++);
        }

        private void tokenize(String s) {
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')' || c == ',') {
                    tokens.add(String.valueOf(c));
                    i++;
                } else if (c == '\'') {
                    int j = i + 1;
                    while (true) {
                        if (j >= s.length()) {
                            throw invalid();
                        }
                        if (s.charAt(j) == '\'') {
                            if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j++;
                    }
                    tokens.add(s.substring(i, j + 1));
                    i = j + 1;
                } else {
                    int j = i;
                    while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "(),'".indexOf(s.charAt(j)) < 0) {
                        j++;
                    }
                    tokens.add(s.substring(i, j));
                    i = j;
                }
            }
        }

        private ApiError.Failure invalid() {
            return ApiError.invalidRequest("Invalid $filter expression: " + source).toFailure();
        }
    }
}
