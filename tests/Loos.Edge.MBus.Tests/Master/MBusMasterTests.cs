using System.IO.Ports;
using Loos.Edge.MBus.Master;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests.Master;

/// <summary>
/// The serial master against simulated meters on a socat pseudo-terminal pair, answering with libmbus corpus frames.
/// Pseudo-terminals refuse parity, so the line runs 8N1 here; 2400 baud keeps the EN 13757-2 timing, 38400 shortens
/// the tests that probe many addresses.
/// </summary>
public sealed class MBusMasterTests : IAsyncLifetime
{
    private const string Corpus = "mbus/libmbus";
    private SerialPortPair pair = null!;

    public async Task InitializeAsync() => pair = await SerialPortPair.StartAsync();

    public async Task DisposeAsync() => await pair.DisposeAsync();

    [CorpusFact(Corpus)]
    public async Task Reads_a_heat_meter_by_primary_address_after_resetting_it()
    {
        var meter = new SimulatedMBusMeter(5, [Frame("kamstrup_multical_601")]);
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        using var master = Master();

        var readout = await ReadoutAsync(master, MBusMeterAddress.Primary(5), Timeout());

        var expected = MBusDecoder.Decode(meter.Telegrams[0]);
        Assert.Single(readout.Telegrams);
        Assert.Equal(expected.Header.Identification, readout.First.Header.Identification);
        Assert.Equal("KAM", readout.First.Header.Manufacturer);
        Assert.Equal(expected.Records.Select(Describe), readout.Records.Select(Describe));
        Assert.Equal(["1040054516", "107B058016"], slave.Requests); // SND_NKE, then REQ_UD2 with FCB set.
    }

    [CorpusFact(Corpus)]
    public async Task The_idle_time_before_a_request_runs_on_the_injected_clock()
    {
        var meter = new SimulatedMBusMeter(5, [Frame("kamstrup_multical_601")]);
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        var start = new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);
        var clock = new WatchedTimeProvider(start);
        var options = new MBusLineOptions { DevicePath = pair.GatewayPath, Parity = Parity.None };
        using var master = MBusMaster.ForSerialPort(options, timeProvider: clock);

        var reading = master.ReadAsync(MBusMeterAddress.Primary(5), Timeout());

        // The reset is acknowledged; REQ_UD2 waits for 33 idle bit times (EN 13757-2, 13.75 ms at 2400 baud, which a
        // timer counts in whole milliseconds) on the injected clock.
        var idle = options.WireTime(3);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (clock.Armed.Count == 0 && !reading.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var due = Assert.Single(clock.Armed);
        Assert.InRange(due - start, idle - TimeSpan.FromMilliseconds(1), idle);
        Assert.Equal(["1040054516"], slave.Requests);
        Assert.False(reading.IsCompleted);
        clock.Advance(idle);
        var result = await reading;
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(["1040054516", "107B058016"], slave.Requests);
    }

    [CorpusFact(Corpus)]
    public async Task Follows_a_multi_telegram_readout_toggling_the_frame_count_bit()
    {
        var first = Frame("sontex_supercal_531_telegram1");
        Assert.Equal(MBusFunction.MoreRecordsFollow, MBusDecoder.Decode(first).Records[^1].Function);
        var meter = new SimulatedMBusMeter(7, [first, Frame("kamstrup_multical_601")], identification: "31415926");
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        using var master = Master();

        var readout = await ReadoutAsync(master, MBusMeterAddress.Primary(7), Timeout());

        Assert.Equal(2, readout.Telegrams.Count);
        Assert.False(readout.Truncated);
        Assert.All(readout.Telegrams, t => Assert.Equal("31415926", t.Header.Identification));
        var expectedRecords = meter.Telegrams.SelectMany(f => MBusDecoder.Decode(f).Records).Where(r => r.Function != MBusFunction.MoreRecordsFollow);
        Assert.Equal(expectedRecords.Select(Describe), readout.Records.Select(Describe));
        Assert.Equal(["1040074716", "107B078216", "105B076216"], slave.Requests);
    }

    [CorpusFact(Corpus)]
    public async Task Stops_a_readout_that_never_ends_at_the_telegram_limit()
    {
        var endless = Frame("sontex_supercal_531_telegram1");
        var meter = new SimulatedMBusMeter(8, [endless]);
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        using var master = Master(options => options.MaxTelegrams = 3);

        var readout = await ReadoutAsync(master, MBusMeterAddress.Primary(8), Timeout());

        Assert.Equal(3, readout.Telegrams.Count);
        Assert.True(readout.Truncated);
    }

    [CorpusFact(Corpus)]
    public async Task A_silent_meter_is_reported_after_the_retries_and_the_next_meter_still_answers()
    {
        var silent = new SimulatedMBusMeter(9, [Frame("kamstrup_multical_601")]) { Silent = true };
        var answering = new SimulatedMBusMeter(10, [Frame("landis+gyr_ultraheat_t230")]);
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, silent, answering);
        using var master = Master();

        var error = await master.ReadAsync(MBusMeterAddress.Primary(9), Timeout());

        Assert.Equal(MBusOutcomeKind.NoReply, error.Kind);
        Assert.Contains("primary address 9", error.Detail, StringComparison.Ordinal);
        Assert.Contains(pair.GatewayPath, error.Detail, StringComparison.Ordinal);
        Assert.Contains("3 attempts of 188 ms", error.Detail, StringComparison.Ordinal);
        Assert.Equal(3, slave.Requests.Count(r => r == "1040094916"));
        var readout = await ReadoutAsync(master, MBusMeterAddress.Primary(10), Timeout());
        Assert.Equal(MBusDecoder.Decode(answering.Telegrams[0]).Header.Identification, readout.First.Header.Identification);
    }

    [CorpusFact(Corpus)]
    public async Task A_reply_with_a_bad_checksum_is_asked_for_again_with_the_same_frame_count_bit()
    {
        var meter = new SimulatedMBusMeter(11, [Frame("kamstrup_multical_601")]) { CorruptReplies = 1 };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        using var master = Master();

        var readout = await ReadoutAsync(master, MBusMeterAddress.Primary(11), Timeout());

        Assert.Equal(MBusDecoder.Decode(meter.Telegrams[0]).Records.Count, readout.First.Records.Count);
        Assert.Equal(["10400B4B16", "107B0B8616", "107B0B8616"], slave.Requests);
        Assert.Equal(2, meter.DataRepliesSent);
    }

    [CorpusFact(Corpus)]
    public async Task A_checksum_that_stays_bad_is_an_invalid_reply_with_its_byte_offset()
    {
        var meter = new SimulatedMBusMeter(12, [Frame("kamstrup_multical_601")]) { CorruptReplies = 100 };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meter);
        using var master = Master();

        var error = await master.ReadAsync(MBusMeterAddress.Primary(12), Timeout());

        var frame = meter.Telegrams[0];
        Assert.Equal(MBusOutcomeKind.InvalidReply, error.Kind);
        Assert.StartsWith("checksum mismatch", error.Reason, StringComparison.Ordinal);
        Assert.Equal(frame.Length - 2, error.Offset);
        Assert.Contains($"at byte {frame.Length - 2}", error.Detail, StringComparison.Ordinal);
        Assert.Equal(3, meter.DataRepliesSent);
    }

    [CorpusFact(Corpus)]
    public async Task Secondary_search_narrows_two_ids_that_differ_in_the_last_digit()
    {
        var first = new SimulatedMBusMeter(1, [Frame("kamstrup_multical_601")], identification: "12345678");
        var second = new SimulatedMBusMeter(2, [Frame("landis+gyr_ultraheat_t230")], identification: "12345679");
        var third = new SimulatedMBusMeter(3, [Frame("itron_cf_55")], identification: "50000001");
        var unpowered = new SimulatedMBusMeter(4, [Frame("kamstrup_382_005")], identification: "12345670") { Silent = true };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, first, second, third, unpowered);
        using var master = Master(Fast);
        var progress = new List<MBusScanProgress>();

        var found = await master.ScanSecondaryAsync(new SynchronousProgress<MBusScanProgress>(progress.Add), Timeout(120));

        Assert.Equal(["12345678", "12345679", "50000001"], found.Select(m => m.Identification).Order(StringComparer.Ordinal));
        Assert.All(found, m => Assert.Null(m.Problem));
        Assert.Equal("KAM", found.Single(m => m.Identification == "12345678").Manufacturer);
        Assert.Equal((byte?)2, found.Single(m => m.Identification == "12345679").PrimaryAddress);
        Assert.Contains(progress, p => p.Probing == "1234567F"); // The collision was narrowed down to the last digit.
        Assert.DoesNotContain(progress, p => p.Probing.StartsWith("50", StringComparison.Ordinal) && p.Probing != "5FFFFFFF");
        Assert.Equal(1, progress[^1].Fraction);
        Assert.True(progress.Zip(progress.Skip(1)).All(pair => pair.First.Fraction <= pair.Second.Fraction), "progress goes forward only");
    }

    [CorpusFact(Corpus)]
    public async Task Reads_a_meter_by_secondary_address_when_another_shares_its_primary_address()
    {
        var first = new SimulatedMBusMeter(0, [Frame("kamstrup_multical_601")], identification: "12345678");
        var second = new SimulatedMBusMeter(0, [Frame("landis+gyr_ultraheat_t230")], identification: "12345679");
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, first, second);
        using var master = Master(Fast);

        Assert.True(MBusSecondaryAddress.TryParse("12345679", out var address, out _));
        var readout = await ReadoutAsync(master, MBusMeterAddress.Secondary(address), Timeout());

        Assert.Equal("12345679", readout.First.Header.Identification);
        Assert.Equal(MBusDecoder.Decode(second.Telegrams[0]).Records.Select(Describe), readout.Records.Select(Describe));
        Assert.Equal(MBusSelection.Collision, await master.SelectAsync(MBusSecondaryAddress.Everyone, Timeout()));
        var byPrimary = await master.ReadAsync(MBusMeterAddress.Primary(0), Timeout());
        Assert.Equal(MBusOutcomeKind.InvalidReply, byPrimary.Kind);
        Assert.Contains("primary address 0", byPrimary.Detail, StringComparison.Ordinal);
    }

    [CorpusFact(Corpus)]
    public async Task Primary_scan_lists_answering_addresses_and_flags_two_meters_on_one_address()
    {
        var meters = new[]
        {
            new SimulatedMBusMeter(1, [Frame("kamstrup_multical_601")], identification: "11111111"),
            new SimulatedMBusMeter(250, [Frame("landis+gyr_ultraheat_t230")], identification: "22222222"),
            new SimulatedMBusMeter(7, [Frame("itron_cf_55")], identification: "33333333"),
            new SimulatedMBusMeter(7, [Frame("kamstrup_382_005")], identification: "44444444"),
        };
        await using var slave = MBusSlaveSimulator.Start(pair.DevicePath, meters);
        using var master = Master(options =>
        {
            Fast(options);
            options.Retries = 0;
        });
        var progress = new List<MBusScanProgress>();

        var found = await master.ScanPrimaryAsync(new SynchronousProgress<MBusScanProgress>(progress.Add), Timeout(120));

        Assert.Equal([(byte)1, (byte)7, (byte)250], found.Select(m => m.PrimaryAddress!.Value));
        Assert.Equal("11111111", found[0].Identification);
        Assert.Equal("22222222", found[2].Identification);
        Assert.Null(found[1].Identification);
        Assert.Contains("several meters", found[1].Problem, StringComparison.Ordinal);
        Assert.Equal(252, progress.Count);
        Assert.Equal(3, progress[^1].Found);
    }

    private static async Task<MBusReadout> ReadoutAsync(MBusMaster master, MBusMeterAddress address, CancellationToken cancellationToken)
    {
        var result = await master.ReadAsync(address, cancellationToken);
        Assert.True(result.IsSuccess, result.Detail);
        return result.Readout;
    }

    private MBusMaster Master(Action<MBusLineOptions>? configure = null)
    {
        var options = new MBusLineOptions { DevicePath = pair.GatewayPath, Parity = Parity.None };
        configure?.Invoke(options);
        return MBusMaster.ForSerialPort(options);
    }

    // Shorter than the standard's 188 ms at 2400 baud so that a search's many silent probes stay quick, yet long
    // enough for the simulator to answer on a loaded build machine: a search sends each probe once, so a late
    // answer would read as a missing meter.
    private static void Fast(MBusLineOptions options)
    {
        options.BaudRate = 38400;
        options.ResponseTimeout = TimeSpan.FromMilliseconds(120);
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static byte[] Frame(string name) => LibmbusCorpus.ReadFrame(Path.Combine(LibmbusCorpus.Path("test-frames"), name + ".hex"));

    private static string Describe(MBusRecord record) =>
        $"{record.Function}/{record.Storage}/{record.Tariff}/{record.Subunit}/{record.Quantity}/{record.Unit}/{record.Value}/{record.Text}";

    /// <summary>Reports on the calling thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
