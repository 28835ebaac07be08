package com.pbiexport.worker.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** NO_PROXY as curl documents it (CURLOPT_NOPROXY), and http.nonProxyHosts as the JDK does. */
class NoProxyTest {

    @Test
    void aNameMatchesItselfAndEveryHostBelowItButNotALookalike() {
        NoProxy list = NoProxy.curl("example.com");
        assertThat(list.excludes("example.com", 443)).isTrue();
        assertThat(list.excludes("www.example.com", 443)).isTrue();
        assertThat(list.excludes("a.b.example.com", 80)).isTrue();
        assertThat(list.excludes("www.notanexample.com", 443)).isFalse();
        assertThat(list.excludes("notexample.com", 443)).isFalse();
        assertThat(list.excludes("example.com.othertld", 443)).isFalse();
    }

    @Test
    void aLeadingDotMatchesTheDomainAndItsHostsAsCurlDoes() {
        NoProxy list = NoProxy.curl(".example.com");
        assertThat(list.excludes("www.example.com", 443)).isTrue();
        assertThat(list.excludes("foo.example.com", 443)).isTrue();
        assertThat(list.excludes("example.com", 443)).isTrue(); // curl strips the leading dot
        assertThat(list.excludes("badexample.com", 443)).isFalse();
    }

    @Test
    void aLoneStarMatchesEveryHost() {
        assertThat(NoProxy.curl("*").excludes("login.microsoftonline.com", 443)).isTrue();
        assertThat(NoProxy.curl(" * ").excludes("127.0.0.1", 8080)).isTrue();
    }

    @Test
    void entriesAreCommaSeparatedTrimmedAndCaseInsensitive() {
        NoProxy list = NoProxy.curl(" Corp.Example ,localhost,, 10.1.2.3 ");
        assertThat(list.excludes("API.corp.example", 443)).isTrue();
        assertThat(list.excludes("LOCALHOST", 80)).isTrue();
        assertThat(list.excludes("10.1.2.3", 443)).isTrue();
        assertThat(list.excludes("api.powerbi.com", 443)).isFalse();
    }

    @Test
    void aTrailingDotOnTheHostIsIgnored() {
        assertThat(NoProxy.curl("example.com").excludes("www.example.com.", 443)).isTrue();
    }

    @Test
    void ipLiteralsMatchExactlyAndAreNeverResolved() {
        NoProxy list = NoProxy.curl("127.0.0.1");
        assertThat(list.excludes("127.0.0.1", 8080)).isTrue();
        assertThat(list.excludes("127.0.0.2", 8080)).isFalse();
        assertThat(list.excludes("localhost", 8080)).isFalse(); // no DNS, as curl
    }

    @Test
    void ipv6LiteralsMatchWithOrWithoutBrackets() {
        assertThat(NoProxy.curl("::1").excludes("[::1]", 443)).isTrue();
        assertThat(NoProxy.curl("::1").excludes("::1", 443)).isTrue();
        assertThat(NoProxy.curl("[::1]").excludes("::1", 443)).isTrue();
        assertThat(NoProxy.curl("0:0:0:0:0:0:0:1").excludes("::1", 443)).isTrue();
        assertThat(NoProxy.curl("::1").excludes("::2", 443)).isFalse();
    }

    @Test
    void cidrEntriesMatchAddressesInTheNetwork() {
        NoProxy list = NoProxy.curl("192.168.0.0/16,fd00::/8");
        assertThat(list.excludes("192.168.4.20", 443)).isTrue();
        assertThat(list.excludes("192.169.0.1", 443)).isFalse();
        assertThat(list.excludes("fd12::1", 443)).isTrue();
        assertThat(list.excludes("fe80::1", 443)).isFalse();
        assertThat(list.excludes("example.com", 443)).isFalse();
    }

    @Test
    void anEntryWithAPortMatchesOnlyThatPort() {
        NoProxy list = NoProxy.curl("example.com:8443,[::1]:9000");
        assertThat(list.excludes("example.com", 8443)).isTrue();
        assertThat(list.excludes("www.example.com", 8443)).isTrue();
        assertThat(list.excludes("example.com", 443)).isFalse();
        assertThat(list.excludes("::1", 9000)).isTrue();
        assertThat(list.excludes("::1", 9001)).isFalse();
    }

    @Test
    void anEmptyListExcludesNothing() {
        assertThat(NoProxy.curl("").excludes("localhost", 80)).isFalse();
        assertThat(NoProxy.curl(null).isEmpty()).isTrue();
    }

    @Test
    void matchNamesTheEntryThatSentTheHostDirect() {
        assertThat(NoProxy.curl("a.example,.corp").match("x.corp", 443)).contains(".corp");
    }

    @Test
    void javaPatternsArePipeSeparatedGlobs() {
        NoProxy list = NoProxy.java("*.corp.example|localhost|10.*");
        assertThat(list.excludes("api.corp.example", 443)).isTrue();
        assertThat(list.excludes("corp.example", 443)).isFalse(); // "*." needs a label, as in the JDK
        assertThat(list.excludes("LocalHost", 80)).isTrue();
        assertThat(list.excludes("10.20.30.40", 80)).isTrue();
        assertThat(list.excludes("api.powerbi.com", 443)).isFalse();
    }

    @Test
    void theJdkDefaultExcludesLoopbackOnly() {
        NoProxy list = NoProxy.java(NoProxy.JDK_DEFAULT);
        assertThat(list.excludes("localhost", 80)).isTrue();
        assertThat(list.excludes("127.0.0.1", 80)).isTrue();
        assertThat(list.excludes("::1", 80)).isTrue();
        assertThat(list.excludes("login.microsoftonline.com", 443)).isFalse();
    }
}
