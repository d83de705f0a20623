package dev.psyarn.client;

import dev.psyarn.ps.transport.TlsIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS identity made for one application at submission: an EC P-256 key and a self-signed
 * certificate for it, which every process of the application holds (through its credentials) and
 * trusts alone. Built with BouncyCastle's certificate builder, which Hadoop ships for its own
 * per-application certificates (the web proxy's); signed and read back with the JDK's providers.
 */
public final class AppCertificate {

  /** Long enough for any job; the certificate is worth nothing once the application is gone. */
  static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private AppCertificate() {}

  /** A fresh identity for the application {@code appId}. */
  public static TlsIdentity generate(String appId) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=psyarn " + appId);
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, RANDOM),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new TlsIdentity(pair.getPrivate(), new X509Certificate[] {certificate}, certificate);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the application's certificate: " + e.getMessage(), e);
    } catch (NoClassDefFoundError e) {
      throw new GeneralSecurityException("security.tls needs BouncyCastle's bcpkix on the client's classpath, which "
          + "Hadoop 3.3 and later ship (share/hadoop/yarn/lib); missing: " + e.getMessage(), e);
    }
  }
}
