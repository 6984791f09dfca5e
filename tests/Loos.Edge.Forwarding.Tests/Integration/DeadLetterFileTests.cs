using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class DeadLetterFileTests : IAsyncLifetime
{
    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();
    private ScriptedServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private TargetOptions V1() => new()
    {
        Name = "central",
        Api = InfluxApi.V1,
        Url = server.Url.ToString(),
        Database = "site",
        BatchSize = 50,
        BatchMaxAge = TimeSpan.FromMilliseconds(20),
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forward_MoreRejectedThanTheCap_KeepsTheFileWithinItAndCountsWhatItDeleted(bool republished)
    {
        // Every reading its own series with a long tag: about 500 bytes per dead-letter entry, 150 kB in all. Every
        // third is estimated; in a republished series the others write wh_quality="good" too, still one reading a line.
        const int Count = 300;
        var readings = Enumerable.Range(0, Count)
            .Select(i => new Reading(
                catalog.Intern(new SeriesKey("energy", [new Tag("meter", $"m{i}-" + new string('x', 400))], "wh", "Wh", republished: republished)),
                Readings.Start,
                i,
                i % 3 == 0 ? Quality.Estimated : Quality.Good))
            .ToArray();
        server.Rule = _ => new ScriptedResponse(400, "{\"error\":\"partial write: refused for the test\"}");
        log.Append(readings);
        var target = V1();
        target.DeadLetterMaxBytes = 64 * 1024;
        var logger = new CapturingLoggerProvider();
        await using var host = new ForwarderHost(catalog, log, null, logger, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == Count, "every reading is acknowledged", TimeSpan.FromSeconds(60));

        var current = host.DeadLetterFile("central");
        var files = new[] { current, current + ".1" }.Where(File.Exists).ToArray();
        Assert.InRange(files.Sum(f => new FileInfo(f).Length), 1, target.DeadLetterMaxBytes);
        var kept = files.SelectMany(File.ReadAllLines).Count(l => l.StartsWith("energy,", StringComparison.Ordinal));
        Assert.Equal(republished, File.ReadAllText(current).Contains("wh_quality=\"good\"", StringComparison.Ordinal));
        var status = host.Status("central");
        Assert.Equal(Count, status.DeadLetteredReadings);
        Assert.True(status.DeadLetterEvictedReadings > 0, "the cap deleted nothing");
        Assert.Equal(Count - kept, status.DeadLetterEvictedReadings);
        // The newest rejection is the one kept.
        Assert.Contains($"meter=m{Count - 1}-", File.ReadAllText(current));
        Assert.Contains(logger.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"{status.DeadLetterEvictedReadings} since start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forward_Rejection_CreatesTheFileAndItsDirectoryForTheServiceUserOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix file modes; the gateway runs on Linux.
        }

        var directory = Directory.CreateTempSubdirectory("loos-edge-dead-letter-").FullName;
        try
        {
            server.Rule = body => body.Contains("wh=7 ", StringComparison.Ordinal) ? new ScriptedResponse(400, "{\"error\":\"partial write: seven\"}") : new ScriptedResponse(204);
            log.Append(Readings.Meters(catalog, meters: 1, count: 10));
            var target = V1();
            target.DeadLetterFile = Path.Combine(directory, "private", "dead-letter.lp");
            await using var host = new ForwarderHost(catalog, log, target);

            await host.StartAsync();
            await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == 10, "every reading is acknowledged");

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target.DeadLetterFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(target.DeadLetterFile)!));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
