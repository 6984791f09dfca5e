using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Tests.Support;

/// <summary>
/// Tests of one InfluxDB v2 target, <c>cloud</c>, answered by a <see cref="ScriptedServer"/>: readings in memory and
/// the token in a file of their own.
/// </summary>
public abstract class ScriptedTargetTests : IAsyncLifetime
{
    protected SeriesCatalog Catalog { get; } = new();

    protected InMemoryReadingLog Log { get; } = new();

    protected ScriptedServer Server { get; private set; } = null!;

    protected string TokenFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ScriptedServer.StartAsync();
        TokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(TokenFile, "secret-token\n");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(TokenFile);
    }

    /// <summary>The target, with batches that leave after 20 ms, retries 20-50 ms apart and a circuit that stays closed.</summary>
    protected TargetOptions V2Target() => new()
    {
        Name = "cloud",
        Api = InfluxApi.V2,
        Url = Server.Url.ToString(),
        Org = "loos",
        Bucket = "energy",
        TokenFile = TokenFile,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        CircuitBreakerFailures = 100,
    };
}
