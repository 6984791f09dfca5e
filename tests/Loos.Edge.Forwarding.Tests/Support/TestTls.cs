using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>A private certificate authority (its PEM file) and a server certificate it signed for the given names.</summary>
public sealed record TestTls(string CaFile, X509Certificate2 ServerCertificate)
{
    /// <summary>Creates a CA (written to <c>ca.pem</c> in <paramref name="directory"/>) and a server certificate for <paramref name="dnsName"/> and, when given, <paramref name="ipAddress"/>.</summary>
    public static TestTls Create(string directory, string dnsName, IPAddress? ipAddress = null)
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Loos Edge Forwarder Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));
        var caFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem());

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // id-kp-serverAuth
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (ipAddress is not null)
        {
            names.AddIpAddress(ipAddress);
        }

        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(ca, notBefore, notAfter, [1, 2, 3]);
        // A PKCS#12 round trip: Kestrel needs the private key in a form its TLS stack can use.
        using var withKey = issued.CopyWithPrivateKey(key);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        return new TestTls(caFile, server);
    }
}
