using System.Net;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class HttpsTargetTests : IAsyncLifetime
{
    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-tls-").FullName;
    private TestTls tls = null!;
    private ScriptedServer server = null!;

    public async Task InitializeAsync()
    {
        // The certificate names localhost only: https://127.0.0.1 reaches the same server under a name it does not hold.
        tls = TestTls.Create(directory, "localhost");
        server = await ScriptedServer.StartAsync(tls.ServerCertificate);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        tls.ServerCertificate.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private TargetOptions V1(string host, string? caFile) => new()
    {
        Name = "central",
        Api = InfluxApi.V1,
        Url = $"https://{host}:{server.Port}",
        Database = "site",
        CaFile = caFile,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task Forward_HttpsWithThePrivateCa_Delivers()
    {
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V1("localhost", tls.CaFile));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == 10, "every reading is acknowledged");

        Delivered.AssertAll(server.Received.Select(r => r.Body), 10);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
    }

    [Fact]
    public async Task Forward_HttpsWithoutTheCa_RefusedWithTheCertificateProblem()
    {
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V1("localhost", caFile: null));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").LastError is not null, "a failure is reported");

        // The server sends its own certificate only: without the CA the chain stays partial.
        Assert.StartsWith("TLS: The remote certificate is invalid because of errors in the certificate chain: PartialChain", host.Status("central").LastError);
        Assert.Empty(server.Received);
        Assert.Equal(0, log.Acknowledged("central"));
    }

    [Fact]
    public async Task Forward_HttpsWithTheCaButAnotherHostName_RefusedWithTheNameMismatch()
    {
        log.Append(Readings.Meters(catalog, meters: 1, count: 10));
        await using var host = new ForwarderHost(catalog, log, V1(IPAddress.Loopback.ToString(), tls.CaFile));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").LastError is not null, "a failure is reported");

        Assert.StartsWith("TLS: ", host.Status("central").LastError);
        Assert.Contains("RemoteCertificateNameMismatch", host.Status("central").LastError);
        Assert.Empty(server.Received);
        Assert.Equal(0, log.Acknowledged("central"));
    }
}
