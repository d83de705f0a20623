package dev.psyarn.ps.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import javax.net.ssl.SSLException;

/**
 * TLS on both planes: this process's key and certificate chain (null for a process that only
 * connects, such as the owner's {@code psyarn kill}) and the one certificate authority every peer's
 * certificate must chain to: the application's own, made at submission, so that a peer is trusted
 * because it holds a certificate of this application, not any certificate a public CA signed. TLS
 * encrypts; the application secret's handshake (inside TLS) still authenticates each connection.
 * {@link #toString()} never shows the key.
 */
public final class TlsIdentity {

  /** Aliases in the containers' Hadoop credentials: the PKCS#8 key, the chain's and the CA's X.509 DER. */
  public static final String KEY_ALIAS = "psyarn.tls.key";
  public static final String CHAIN_ALIAS = "psyarn.tls.chain";
  public static final String TRUST_ALIAS = "psyarn.tls.trust";

  /** AES-128-GCM first (four fewer AES rounds than the JDK's first choice, AES-256), then the others. */
  static final java.util.List<String> CIPHERS = java.util.List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final X509Certificate trusted;
  private volatile SslContext server;
  private volatile SslContext client;

  public TlsIdentity(PrivateKey key, X509Certificate[] chain, X509Certificate trusted) {
    if ((key == null) != (chain == null || chain.length == 0)) {
      throw new IllegalArgumentException("a key needs its certificate chain, and a chain its key");
    }
    this.key = key;
    this.chain = chain == null ? null : chain.clone();
    this.trusted = trusted;
  }

  /** One that only connects: it trusts {@code trusted} and has no key. */
  public static TlsIdentity trusting(X509Certificate trusted) {
    return new TlsIdentity(null, null, trusted);
  }

  /** As {@link #encodedKey}, {@link #encodedChain} and {@link #encodedTrust} wrote them (key and chain may be null). */
  public static TlsIdentity decode(byte[] key, byte[] chain, byte[] trust) throws GeneralSecurityException {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate trusted = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(trust));
    if (key == null) {
      return trusting(trusted);
    }
    Collection<? extends Certificate> certs = x509.generateCertificates(new ByteArrayInputStream(chain));
    X509Certificate[] certificates = certs.toArray(new X509Certificate[0]);
    if (certificates.length == 0) {
      throw new GeneralSecurityException("no certificate in the TLS chain");
    }
    String algorithm = certificates[0].getPublicKey().getAlgorithm();
    PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key));
    return new TlsIdentity(privateKey, certificates, trusted);
  }

  /** The certificate authority peers must chain to. */
  public X509Certificate trusted() {
    return trusted;
  }

  public boolean hasKey() {
    return key != null;
  }

  /** The private key, PKCS#8: for the credentials, never for a log. */
  public byte[] encodedKey() {
    return key.getEncoded();
  }

  /** The chain's certificates, DER, one after the other. */
  public byte[] encodedChain() throws CertificateEncodingException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (X509Certificate c : chain) {
      out.writeBytes(c.getEncoded());
    }
    return out.toByteArray();
  }

  /** The trusted CA certificate, DER. */
  public byte[] encodedTrust() throws CertificateEncodingException {
    return trusted.getEncoded();
  }

  /** The context a listening side wraps its connections in. */
  SslContext serverContext() throws SSLException {
    if (key == null) {
      throw new IllegalStateException("this process has no TLS key: it cannot listen with TLS");
    }
    SslContext context = server;
    if (context == null) {
      context = SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2").ciphers(CIPHERS).build();
      server = context;
    }
    return context;
  }

  /** The context a connecting side wraps its connection in: it trusts the application's CA alone. */
  SslContext clientContext() throws SSLException {
    SslContext context = client;
    if (context == null) {
      context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trusted)
          .protocols("TLSv1.3", "TLSv1.2").ciphers(CIPHERS).build();
      client = context;
    }
    return context;
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + (key == null ? "no key" : key.getAlgorithm() + " key, redacted") + ", trusts "
        + trusted.getSubjectX500Principal().getName() + "]";
  }
}
