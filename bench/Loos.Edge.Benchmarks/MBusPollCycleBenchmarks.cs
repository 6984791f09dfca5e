using BenchmarkDotNet.Attributes;
using Loos.Edge.Core;
using Loos.Edge.MBus;
using Loos.Edge.MBus.Master;
using Loos.Edge.MBus.Polling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// One poll cycle of an M-Bus line in steady state: the poller reads one meter, whose reply is a telegram of the
/// libmbus corpus decoded into the poller's reusable record buffer, maps it through the meter's profile and appends the
/// readings to a sink that keeps nothing. Each cycle is one telegram: a heat meter (Kamstrup Multical 601, heat-meter
/// profile, 10 records) and an electricity meter (Eastron SDM630, all-records profile). The serial link is not part of
/// it. The target is 0 B per telegram.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class MBusPollCycleBenchmarks
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly SteppingClock clock = new();
    private MBusLinePoller heatMeterLine = null!;
    private MBusLinePoller electricityMeterLine = null!;

    [GlobalSetup]
    public void Setup()
    {
        heatMeterLine = Line("kamstrup_multical_601", HeatMeterProfile.Name);
        electricityMeterLine = Line("eastron_sdm630", AllRecordsProfile.Name);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        heatMeterLine.Dispose();
        electricityMeterLine.Dispose();
    }

    /// <summary>A heat meter's telegram, decoded and mapped to its 9 heat-meter fields.</summary>
    [Benchmark(Baseline = true)]
    public int PollHeatMeter() => Poll(heatMeterLine);

    /// <summary>An electricity meter's telegram, every numeric record a field.</summary>
    [Benchmark]
    public int PollAllRecordsMeter() => Poll(electricityMeterLine);

    private int Poll(MBusLinePoller line)
    {
        clock.Now += Interval;
        var cycle = line.PollDueAsync(CancellationToken.None);
        var written = cycle.IsCompletedSuccessfully ? cycle.Result : cycle.AsTask().GetAwaiter().GetResult();
        return written > 0 ? written : throw new InvalidOperationException("The meter gave no readings.");
    }

    private MBusLinePoller Line(string corpusFrame, string profile)
    {
        var meter = new MBusMeterOptions { Name = corpusFrame, Home = "12", Address = 5, Profile = profile, Interval = Interval };
        var line = new MBusPolledLineOptions { Name = corpusFrame, Device = "/dev/ttyBench", Meters = { meter } };
        var problems = new ConfigurationProblems();
        var plan = MBusPlanner.Plan(new MBusOptions { MeterTimeZone = "Europe/Berlin", Lines = { line } }, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The benchmark line is invalid: " + string.Join("; ", problems.Entries.Select(p => p.Text)));
        }

        var frame = MBusCorpus.ReadFrame(corpusFrame);
        return new MBusLinePoller(plan.Single(), new CorpusMeter(frame), new DiscardingSink(), new SeriesCatalog(), clock, NullLogger.Instance);
    }

    /// <summary>A meter that answers every request with the same frame, decoded as the master decodes a reply.</summary>
    private sealed class CorpusMeter(byte[] frame) : IMBusMeterReader
    {
        public ValueTask<MBusReadStatus> ReadAsync(MBusMeterAddress address, MBusRecordBuffer records, CancellationToken cancellationToken)
        {
            records.Clear();
            MBusDecoder.Decode(frame, records);
            return ValueTask.FromResult(MBusReadStatus.Success);
        }

        public void Dispose()
        {
        }
    }

    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class DiscardingSink : IReadingSink
    {
        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
