using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Loos.Edge.Testing;

namespace Loos.Edge.Integration.Tests;

/// <summary>
/// An S0 electricity meter on GPIO 17 of the gateway process, through the simulated GPIO driver: the test writes one
/// pulse command per pulse into a named pipe the driver plays, the counter series arrives in a real influxd, and the
/// gateway is killed (SIGKILL, as a power cut) at random moments while pulses keep coming.
/// </summary>
public sealed partial class PulseCounterEndToEndTests
{
    private const string Database = "loos_edge";
    private const double InitialValue = 1000;
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PulsePeriod = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Gateway_PulsesThroughKillsAndRestarts_ResumedNeverDoubledLossBoundedAndDamageReported()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await influxd.CreateDatabaseAsync(Database);
        var site = new SiteFileBuilder
        {
            Extra = $"""
                gpio:
                  driver: simulated
                  simulatedEdges: gpio-edges
                  pulseCounters:
                    - name: general
                      pin: 17
                      pulsesPerUnit: 1000
                      initialValue: {InitialValue}
                      interval: 00:00:01
                      persistInterval: 00:00:01
                      tags:
                        building: residence-les-tilleuls
                """,
        }.WithInfluxV1("influxd", influxd.Url, Database);
        var pipe = Path.Combine(site.Directory, "gpio-edges");
        MakeFifo(pipe);
        var countFile = Path.Combine(site.Directory, "pulse-counters", "general.count");
        await using var meter = new PulsingMeter(pipe, PulsePeriod);
        await using var gateway = await GatewayProcess.StartAsync(site);
        const string Query = "SELECT last(\"energy\") FROM \"electricity_meter\" WHERE \"device\" = 'general' AND \"unit\" = 'Wh' AND \"building\" = 'residence-les-tilleuls'";

        // The counter series arrives, counting the pulses.
        await WaitUntilAsync(async () => await LastAsync(influxd, Query) >= InitialValue + 10, TimeSpan.FromSeconds(30), "the energy series in influxd", gateway);

        var previous = 0L;
        var losses = new List<long>();
        for (var kill = 0; kill < 3; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5000, 7000)));
            gateway.Kill();
            var (sent, taken) = meter.SentAndTaken();
            // Pulses still waiting in the pipe at the kill are read by the next gateway, not lost; those it had taken
            // since its last save are. The simulated driver can lag behind the pipe on a busy machine, so the bound is
            // what it took in the last save interval (a wired meter's edges reach the kernel at once), plus a second
            // for a save started late.
            var takenInTheLastSave = meter.TakenSince(DateTime.UtcNow - PersistInterval - TimeSpan.FromSeconds(1));
            var saved = ReadCount(countFile);
            var lost = taken - saved - losses.Sum(); // what earlier kills lost is never counted again
            var lastSaveAge = DateTime.UtcNow - File.GetLastWriteTimeUtc(countFile);

            Assert.True(lost >= 0, $"kill {kill}: saved {saved} pulses, but only {taken - losses.Sum()} of those taken from the pipe could be counted: some were counted twice");
            Assert.True(saved >= previous, $"kill {kill}: the count went back from {previous} to {saved}");
            Assert.True(lost <= takenInTheLastSave + 2, $"kill {kill}: {lost} pulses lost ({sent} sent, {taken} taken, {saved} saved {lastSaveAge.TotalMilliseconds:F0} ms before the kill), more than the {takenInTheLastSave} taken in the last save interval");
            losses.Add(lost);
            previous = saved;

            await gateway.StartAsync();
            await gateway.WaitForLogAsync($"resumes at {saved} pulses", TimeSpan.FromSeconds(10));
        }

        // Pulses stop; once everything played is written, a clean stop saves the last of them.
        await meter.StopAsync();
        double? last = null;
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow - stableSince < TimeSpan.FromSeconds(3))
        {
            var value = await LastAsync(influxd, Query);
            if (value != last)
            {
                (last, stableSince) = (value, DateTime.UtcNow);
            }

            await Task.Delay(250);
        }

        Assert.Equal(0, gateway.Stop());
        var final = ReadCount(countFile);
        Assert.True(final <= meter.Sent, $"{final} pulses counted of {meter.Sent} sent");
        Assert.True(meter.Sent - final <= losses.Sum() + 2, $"{meter.Sent - final} pulses lost in all, the kills lost {losses.Sum()}");
        Assert.Equal(InitialValue + final, last);

        // A damaged count is found at start, kept aside, logged and shown on /health; counting goes on from initialValue.
        var data = File.ReadAllBytes(countFile);
        data[10] ^= 0x04;
        File.WriteAllBytes(countFile, data);
        await gateway.StartAsync();
        await gateway.WaitForHealthAsync(
            h => h.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("device").GetString() == "general" && d.GetProperty("state").GetString() == "offline"),
            TimeSpan.FromSeconds(20),
            "the counter general offline after its damaged count");
        await gateway.WaitForLogAsync($"the saved count {countFile} is damaged: the CRC does not match; kept aside as {countFile}.", TimeSpan.FromSeconds(10));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(countFile)!, "general.count.*.corrupt"));
        await WaitUntilAsync(async () => await LastAsync(influxd, Query) == InitialValue, TimeSpan.FromSeconds(20), "the counter back at its initial value", gateway);
        var quality = await influxd.QueryAsync(Database, "SELECT last(\"energy_quality\") FROM \"electricity_meter\" WHERE \"device\" = 'general'");
        Assert.Equal("estimated", quality[0][0, quality[0].Columns[1]].GetString());
    }

    private static long ReadCount(string path)
    {
        // Version 1: magic "LEPC", version, 3 reserved, pulses int64 at 8, ..., CRC-32 of the first 32 bytes at 32.
        var data = File.ReadAllBytes(path);
        Assert.Equal(36, data.Length);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(32)), System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, 32)));
        return BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
    }

    private static async Task<double?> LastAsync(InfluxdServer influxd, string query)
    {
        var series = await influxd.QueryAsync(Database, query);
        return series.Count > 0 ? series[0][0, series[0].Columns[1]].GetDouble() : null;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Never saw {what} within {timeout}:\n{gateway.Tail()}");
    }

    /// <summary>Bytes written into a pipe and not yet read (FIONREAD).</summary>
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int BytesWaiting(nint fd, nuint request, out int bytes);

    private const nuint Fionread = 0x541B;

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>
    /// The meter: writes one pulse command every period into the pipe, opened for reading and writing so that it
    /// never waits for a reader and keeps the commands not yet read while the gateway is down. At every period it also
    /// notes how many commands the gateway has taken from the pipe so far.
    /// </summary>
    private sealed class PulsingMeter : IAsyncDisposable
    {
        private static readonly byte[] PulseCommand = Encoding.ASCII.GetBytes("17 pulse\n");
        private readonly FileStream pipe;
        private readonly CancellationTokenSource stopping = new();
        private readonly List<(DateTime At, long Taken)> takenHistory = [];
        private readonly Lock gate = new();
        private long sent;
        private readonly Task running;

        public PulsingMeter(string path, TimeSpan period)
        {
            pipe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            running = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(period);
                while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false))
                {
                    lock (gate)
                    {
                        takenHistory.Add((DateTime.UtcNow, TakenLocked()));
                        pipe.Write(PulseCommand);
                        sent++;
                    }
                }
            });
        }

        public long Sent
        {
            get
            {
                lock (gate)
                {
                    return sent;
                }
            }
        }

        /// <summary>Pulses sent so far, and how many of them the gateway has read from the pipe.</summary>
        public (long Sent, long Taken) SentAndTaken()
        {
            lock (gate)
            {
                return (sent, TakenLocked());
            }
        }

        /// <summary>Pulses the gateway has read from the pipe since <paramref name="instant"/> (to the period).</summary>
        public long TakenSince(DateTime instant)
        {
            lock (gate)
            {
                var before = takenHistory.FindLast(t => t.At <= instant);
                return TakenLocked() - before.Taken;
            }
        }

        private long TakenLocked()
        {
            if (BytesWaiting(pipe.SafeFileHandle.DangerousGetHandle(), Fionread, out var waiting) != 0)
            {
                throw new IOException($"FIONREAD on the pulse pipe failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return sent - (waiting / PulseCommand.Length);
        }

        public async Task StopAsync()
        {
            await stopping.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await pipe.DisposeAsync();
            stopping.Dispose();
        }
    }
}
