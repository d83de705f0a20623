package dev.psyarn.ps.transport;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-application secret that every connection of both planes must prove it holds. The client
 * creates it; YARN delivers it to the AM and containers in their credentials under {@link #ALIAS}.
 * {@link #toString()} never shows the key.
 */
public final class AppSecret {

  /** The alias of the secret in the containers' Hadoop credentials. */
  public static final String ALIAS = "psyarn.application.secret";

  static final int NONCE_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  /** TLS on both planes, or null: plain TCP (still authenticated by the secret). */
  private final TlsIdentity tls;

  private AppSecret(byte[] key, TlsIdentity tls) {
    this.key = key.clone();
    this.tls = tls;
  }

  private AppSecret(byte[] key) {
    this(key, null);
  }

  /** This secret, with every connection of both planes in TLS ({@code tls}: this process's identity). */
  public AppSecret withTls(TlsIdentity tls) {
    return new AppSecret(key, tls);
  }

  /** The TLS identity connections use, or null when they are plain TCP. */
  public TlsIdentity tls() {
    return tls;
  }

  /** A fresh random secret. */
  public static AppSecret generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new AppSecret(key);
  }

  /** The secret with these bytes (as read from credentials). */
  public static AppSecret of(byte[] key) {
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException("an application secret needs at least 16 bytes");
    }
    return new AppSecret(key);
  }

  /** The key, for storing in credentials. */
  public byte[] bytes() {
    return key.clone();
  }

  static byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** HMAC-SHA256 of a role tag and a nonce: the tag keeps a client's proof from passing as a server's. */
  byte[] prove(byte tag, byte[] nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(tag);
      return mac.doFinal(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  boolean verify(byte tag, byte[] nonce, byte[] proof) {
    return MessageDigest.isEqual(prove(tag, nonce), proof);
  }

  @Override
  public String toString() {
    return "AppSecret[" + key.length + " bytes, redacted" + (tls == null ? "" : ", TLS") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AppSecret other && MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }
}
