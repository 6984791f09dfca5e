using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class InfluxdForwardingTests
{
    private readonly SeriesCatalog catalog = new();
    private readonly InMemoryReadingLog log = new();

    private static TargetOptions V1(InfluxdServer server, string name = "central") => new()
    {
        Name = name,
        Api = InfluxApi.V1,
        Url = server.Url.ToString(),
        Database = "site",
        BatchSize = 500,
        BatchMaxAge = TimeSpan.FromMilliseconds(50),
        InitialRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
    };

    private static async Task AssertCompleteAsync(InfluxdServer server, Reading[] readings, int meters)
    {
        var series = await server.QueryAsync("site", "SELECT count(wh), sum(wh) FROM energy GROUP BY meter");
        Assert.Equal(meters, series.Count);
        var perMeter = readings.Length / meters;
        foreach (var item in series)
        {
            var meter = int.Parse(item.Tags["meter"][1..]);
            var expectedSum = Enumerable.Range(0, perMeter).Sum(i => i + (meter / 10.0));
            Assert.Equal(perMeter, item[0, "count"].GetInt32());
            Assert.Equal(expectedSum, item[0, "sum"].GetDouble(), 6);
        }
    }

    [Fact]
    public async Task Forward_ReadingsOfOneSeriesWithinAMillisecond_EachArrivesAsItsOwnPoint()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        var id = catalog.Intern(new SeriesKey("energy", [new Tag("meter", "m0")], "wh", "Wh"));
        long[] offsetsTicks = [0, 1, 2, 10, 10_000];
        var readings = offsetsTicks.Select((ticks, i) => new Reading(id, Readings.Start.AddTicks(ticks), i)).ToArray();
        log.Append(readings);
        await using var host = new ForwarderHost(catalog, log, V1(server));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged");

        var series = Assert.Single(await server.QueryAsync("site", "SELECT wh FROM energy", epoch: "ns"));
        Assert.Equal([0.0, 1, 2, 3, 4], series.Values.Select(row => row[1].GetDouble()));
        var startNanoseconds = (Readings.Start - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.Equal(offsetsTicks.Select(ticks => startNanoseconds + (ticks * 100)), series.Values.Select(row => row[0].GetInt64()));
    }

    [Fact]
    public async Task Forward_V1_EveryReadingArrivesAndIsAcknowledged()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        var readings = Readings.Meters(catalog, meters: 4, count: 1000);
        log.Append(readings);
        await using var host = new ForwarderHost(catalog, log, V1(server));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged");

        await AssertCompleteAsync(server, readings, meters: 4);
        var status = host.Status("central");
        Assert.Equal(TargetState.Healthy, status.State);
        Assert.Equal(readings.Length, status.ForwardedReadings);
        Assert.Equal(0, status.DeadLetteredReadings);
        Assert.NotNull(status.LastSuccess);
        Assert.StartsWith(server.Url + "write?db=site", status.Endpoint);
    }

    // influxd keeps one point per series and time: a batch sent again after a lost answer overwrites its own points, so
    // this shows that nothing is lost (at least once), not that nothing was sent twice.
    [Fact]
    public async Task Forward_ServerStoppedMidStream_EveryReadingArrivesAtLeastOnce()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        var readings = Readings.Meters(catalog, meters: 2, count: 3000);
        log.Append(readings[..2000]);
        await using var host = new ForwarderHost(catalog, log, V1(server));
        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") > 0, "a first batch is acknowledged");

        server.Stop();
        log.Append(readings[2000..]);
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").State is TargetState.Retrying or TargetState.CircuitOpen, "writes fail");
        var acknowledgedDuringOutage = log.Acknowledged("central");
        Assert.True(acknowledgedDuringOutage < readings.Length, "nothing written during the outage may be acknowledged");
        // Refused or reset, depending on where the stop caught the connection.
        Assert.False(string.IsNullOrEmpty(host.Status("central").LastError));

        await server.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged after the restart");

        await AssertCompleteAsync(server, readings, meters: 2);
        Assert.Equal(TargetState.Healthy, host.Status("central").State);
    }

    [Fact]
    public async Task Forward_WrongPassword_AlertsKeepsBufferedThenDeliversWithTheRightOne()
    {
        await using var server = await InfluxdServer.StartNewAsync(new InfluxdOptions { AuthEnabled = true });
        await server.CreateDatabaseAsync("site");
        var readings = Readings.Meters(catalog, meters: 2, count: 200);
        log.Append(readings);
        var passwordFile = Readings.TempFile(server.Directory, "password", "wrong\n");
        var target = V1(server);
        target.Username = server.Options.AdminUser;
        target.PasswordFile = passwordFile;
        target.AuthenticationRetryInterval = TimeSpan.FromMilliseconds(300);
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => host.Status("central").State == TargetState.AuthenticationFailed, "the target reports refused credentials");
        await Task.Delay(700); // Two more attempts with the wrong password.

        var failed = host.Status("central");
        Assert.Equal(0, log.Acknowledged("central"));
        Assert.Contains("central", failed.Alert);
        Assert.Contains(passwordFile, failed.Alert);
        Assert.Contains("401", failed.LastError);

        await File.WriteAllTextAsync(passwordFile, server.Options.AdminPassword + "\n");
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged with the right password");

        await AssertCompleteAsync(server, readings, meters: 2);
        var healthy = host.Status("central");
        Assert.Equal(TargetState.Healthy, healthy.State);
        Assert.Null(healthy.Alert);
    }

    [Fact]
    public async Task Forward_FieldTypeConflict_DeadLettersOnlyTheOffendingLines()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        // The field exists as an integer in the shard the readings go to (influxd keeps field types per shard);
        // readings of the float series with the same field then conflict.
        await server.WriteLineProtocolAsync("site", $"energy,meter=other wh=1i {Readings.Start.AddDays(-1).ToUnixTimeMilliseconds()}\n");
        var good = Readings.Meters(catalog, meters: 1, count: 300, measurement: "power");
        var conflicting = Readings.Meters(catalog, meters: 1, count: 3);
        Reading[] readings = [.. good[..100], conflicting[0], .. good[100..200], conflicting[1], conflicting[2], .. good[200..]];
        log.Append(readings);
        await using var host = new ForwarderHost(catalog, log, V1(server));

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged");

        var delivered = await server.QueryAsync("site", "SELECT count(wh) FROM power");
        Assert.Equal(300, delivered[0][0, "count"].GetInt32());
        var lines = await File.ReadAllLinesAsync(host.DeadLetterFile("central"));
        var rejected = lines.Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(3, rejected.Length);
        Assert.All(rejected, l => Assert.StartsWith("energy,meter=m0,unit=Wh wh=", l));
        var reasons = lines.Where(l => l.StartsWith('#')).ToArray();
        Assert.Equal(3, reasons.Length);
        Assert.All(reasons, r => Assert.Matches(@"^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z HTTP 400: partial write: field type conflict", r));
        var status = host.Status("central");
        Assert.Equal(3, status.DeadLetteredReadings);
        Assert.Equal(300, status.ForwardedReadings);
    }

    [Fact]
    public async Task Forward_BodyOverServerLimit_SplitsAndDeliversEverything()
    {
        await using var server = await InfluxdServer.StartNewAsync(new InfluxdOptions { MaxBodySizeBytes = 4096 });
        await server.CreateDatabaseAsync("site");
        var readings = Readings.Meters(catalog, meters: 2, count: 1000);
        log.Append(readings);
        var target = V1(server);
        target.Gzip = false; // Uncompressed, 500 readings are about 25 kB: far over the 4 kB limit.
        await using var host = new ForwarderHost(catalog, log, target);

        await host.StartAsync();
        await ForwarderHost.WaitUntilAsync(() => log.Acknowledged("central") == readings.Length, "every reading is acknowledged");

        await AssertCompleteAsync(server, readings, meters: 2);
        Assert.Equal(0, host.Status("central").DeadLetteredReadings);
        Assert.Contains("413", host.Status("central").LastError);
    }
}
