package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.psyarn.ps.container.RenewedTokens;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.security.token.delegation.DelegationTokenIdentifier;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.token.Token;
import org.junit.jupiter.api.Test;

class TokenRefresherTest {

  private static final long NOW = 1_800_000_000_000L;

  private static Token<DelegationTokenIdentifier> hdfsToken(String service, long maxDate) {
    DelegationTokenIdentifier id = new DelegationTokenIdentifier(new Text("alice"), new Text("yarn"), new Text(""));
    id.setIssueDate(NOW - 1000);
    id.setMaxDate(maxDate);
    return new Token<>(id.getBytes(), new byte[] {1, 2, 3}, id.getKind(), new Text(service));
  }

  private static TokenRefresher refresher() {
    return new TokenRefresher(new Configuration(false), "alice@EXAMPLE.COM", List.of(),
        c -> { }, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  @Test
  void renewsAtThreeQuartersOfTheEarliestTokensRemainingLife() {
    Credentials credentials = new Credentials();
    credentials.addToken(new Text("a"), hdfsToken("nn-a:8020", NOW + 20_000));
    credentials.addToken(new Text("b"), hdfsToken("nn-b:8020", NOW + 7 * 24 * 3600_000L));
    credentials.addSecretKey(new Text("psyarn.secret"), new byte[] {9});
    try (TokenRefresher refresher = refresher()) {
      assertEquals(15_000, refresher.delayMs(credentials));
      Credentials late = new Credentials();
      late.addToken(new Text("a"), hdfsToken("nn-a:8020", NOW - 5_000));
      assertEquals(1_000, refresher.delayMs(late), "an expired token: at once (a second)");
      assertEquals(TimeUnit.HOURS.toMillis(1), refresher.delayMs(new Credentials()), "no delegation token: hourly");
    }
  }

  @Test
  void renewedTokensTravelWithoutTheSecretKeysAndGoToEachContainerOnce() throws Exception {
    Credentials credentials = new Credentials();
    Token<DelegationTokenIdentifier> token = hdfsToken("nn-a:8020", NOW + 20_000);
    credentials.addToken(token.getService(), token);
    credentials.addSecretKey(new Text("psyarn.secret"), new byte[] {9});
    byte[] encoded = RenewedTokens.encode(credentials);
    Credentials decoded = RenewedTokens.decode(encoded);
    assertEquals(1, decoded.numberOfTokens());
    assertEquals(0, decoded.numberOfSecretKeys(), "the application's secret never travels again");
    assertArrayEquals(token.getIdentifier(), decoded.getToken(new Text("nn-a:8020")).getIdentifier());
    assertFalse(new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1).contains("psyarn.secret"));
  }
}
