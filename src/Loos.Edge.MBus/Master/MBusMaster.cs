using Loos.Edge.Polling.Serial;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.MBus.Master;

/// <summary>
/// The master of one wired M-Bus line: resets and reads meters by primary or secondary address, follows
/// multi-telegram readouts with the frame count bit, and searches the line, over the EN 13757-2 link layer. One
/// request at a time: every public call holds the line for its whole exchange, so concurrent callers queue. The
/// serial port is opened on first use and reopened after it breaks. A silent meter and an invalid reply are results
/// (<see cref="MBusReadResult"/>); only a failing serial port throws.
/// </summary>
public sealed partial class MBusMaster : IDisposable
{
    /// <summary>The last primary address a meter can have.</summary>
    public const byte LastPrimaryAddress = 250;

    /// <summary>Address 253: the meter selected by its secondary address (EN 13757-3).</summary>
    public const byte SelectedAddress = 253;

    /// <summary>Address 254: broadcast that every meter answers, for a point-to-point line with one meter.</summary>
    public const byte TestAddress = 254;

    /// <summary>Address 255: broadcast that no meter answers.</summary>
    public const byte BroadcastAddress = 255;

    private readonly MBusLink link;
    private readonly MBusLineOptions options;
    private readonly ILogger logger;
    private readonly SemaphoreSlim oneRequestAtATime = new(1, 1);

    internal MBusMaster(IBusLine line, MBusLineOptions options, TimeProvider timeProvider, ILogger logger)
    {
        link = new MBusLink(line, options, timeProvider, logger);
        this.options = options;
        this.logger = logger;
    }

    /// <summary>
    /// The master of the line on <see cref="MBusLineOptions.DevicePath"/> (8 data bits); the port opens on the first
    /// request. The line's silences run on <paramref name="timeProvider"/> (<see cref="TimeProvider.System"/> by default).
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static MBusMaster ForSerialPort(MBusLineOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = MBusLineOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        // EN 13757-2: 8 data bits, parity and stop bits as configured (even and one by default).
        var line = new SerialLine(new SerialLineSettings(options.DevicePath, options.BaudRate, options.Parity, 8, options.StopBits));
        return new MBusMaster(line, options, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance);
    }

    /// <summary>The serial device.</summary>
    public string Port => link.Port;

    /// <summary>
    /// Reads a meter: a primary address is reset with SND_NKE, a secondary address is selected; then REQ_UD2 is
    /// repeated with the frame count bit toggled while the meter says more records follow (up to
    /// <see cref="MBusLineOptions.MaxTelegrams"/>). A request without a valid reply is repeated with the same frame
    /// count bit, so the meter sends the same telegram again.
    /// </summary>
    /// <returns>
    /// The readout, a new object with its own strings; or <see cref="MBusOutcomeKind.NoReply"/> when the meter did not
    /// answer, <see cref="MBusOutcomeKind.InvalidReply"/> when its reply stayed invalid after every retry or several
    /// meters answered a selection, <see cref="MBusOutcomeKind.InvalidTelegram"/> when its user data is malformed.
    /// </returns>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async Task<MBusReadResult> ReadAsync(MBusMeterAddress address, CancellationToken cancellationToken)
    {
        var records = new MBusRecordBuffer();
        var status = await ReadAsync(address, records, cancellationToken).ConfigureAwait(false);
        return MBusReadResult.From(status, records);
    }

    /// <summary>
    /// Reads a meter as <see cref="ReadAsync(MBusMeterAddress, CancellationToken)"/> does, decoding its telegrams into
    /// <paramref name="records"/> (cleared first), which a poller keeps from one readout to the next: no decoded
    /// telegram allocates once the buffer has grown to the meter's readout.
    /// </summary>
    /// <returns>Success, or why the readout failed (then <paramref name="records"/> holds no complete readout).</returns>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async ValueTask<MBusReadStatus> ReadAsync(MBusMeterAddress address, MBusRecordBuffer records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        records.Clear();
        await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte target;
            if (address.PrimaryAddress is { } primary)
            {
                target = primary;
                var reset = await link.ResetAsync(primary, cancellationToken).ConfigureAwait(false);
                if (reset == MBusLink.ReplyKind.Silent)
                {
                    return MBusReadStatus.NoReply($"no meter answers at {address} on {Port} ({link.Effort})");
                }
            }
            else
            {
                target = SelectedAddress;
                var mask = address.SecondaryAddress!.Value;

                // Every meter's frame count is reset first, so that the readout starts at the first telegram.
                await link.ResetEveryMeterAsync(cancellationToken).ConfigureAwait(false);
                var selection = await link.SelectWithRetriesAsync(mask, cancellationToken).ConfigureAwait(false);
                switch (selection)
                {
                    case MBusSelection.None:
                        return MBusReadStatus.NoReply($"no meter answers the selection of {address} on {Port} ({link.Effort})");
                    case MBusSelection.Collision:
                        return MBusReadStatus.InvalidReply($"several meters answer the selection of {address} on {Port}", "collision", 0);
                }
            }

            return await ReadTelegramsAsync(target, address, options.MaxTelegrams, records, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            oneRequestAtATime.Release();
        }
    }

    /// <summary>Selects the meters matching <paramref name="mask"/> (SND_UD to address 253, CI 0x52) with one request.</summary>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async Task<MBusSelection> SelectAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await link.SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            oneRequestAtATime.Release();
        }
    }

    /// <summary>
    /// Probes primary addresses 0–250 with SND_NKE and reads the header of every meter that acknowledges. Two meters
    /// on one address give a garbled acknowledgement, listed with its problem.
    /// </summary>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async Task<IReadOnlyList<MBusFoundMeter>> ScanPrimaryAsync(IProgress<MBusScanProgress>? progress, CancellationToken cancellationToken)
    {
        var found = new List<MBusFoundMeter>();
        for (var address = 0; address <= LastPrimaryAddress; address++)
        {
            progress?.Report(new MBusScanProgress((double)address / (LastPrimaryAddress + 1), $"primary {address}", found.Count));
            await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var primary = (byte)address;
                var reset = await link.ResetAsync(primary, cancellationToken).ConfigureAwait(false);
                if (reset == MBusLink.ReplyKind.Silent)
                {
                    continue;
                }

                if (reset == MBusLink.ReplyKind.Invalid)
                {
                    found.Add(new MBusFoundMeter(primary, null, null, null, null, "garbled acknowledgement: several meters on this address, or noise"));
                    continue;
                }

                found.Add(await DescribeAsync(primary, primary, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                oneRequestAtATime.Release();
            }
        }

        progress?.Report(new MBusScanProgress(1, "done", found.Count));
        return found;
    }

    /// <summary>
    /// Finds every meter by secondary address: a selection with wildcards that several meters acknowledge at once
    /// (a collision) is narrowed digit by digit, most significant first, until each selection reaches one meter,
    /// whose header is then read through address 253. Each probe is sent once (a silent probe means no meter matches).
    /// </summary>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async Task<IReadOnlyList<MBusFoundMeter>> ScanSecondaryAsync(IProgress<MBusScanProgress>? progress, CancellationToken cancellationToken)
    {
        var found = new List<MBusFoundMeter>();
        progress?.Report(new MBusScanProgress(0, MBusSecondaryAddress.Everyone.Identification, 0));
        var everyone = await ProbeAsync(MBusSecondaryAddress.Everyone, found, cancellationToken).ConfigureAwait(false);
        if (everyone == MBusSelection.Collision)
        {
            await NarrowAsync(MBusSecondaryAddress.Everyone, 0, 0, 1, found, progress, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new MBusScanProgress(1, "done", found.Count));
        return found;
    }

    public void Dispose()
    {
        link.Dispose();
        oneRequestAtATime.Dispose();
    }

    private async Task NarrowAsync(MBusSecondaryAddress mask, int position, double start, double span, List<MBusFoundMeter> found, IProgress<MBusScanProgress>? progress, CancellationToken cancellationToken)
    {
        for (var digit = 0; digit <= 9; digit++)
        {
            var narrowed = mask.WithDigit(position, digit);
            var fraction = start + (span * digit / 10);
            progress?.Report(new MBusScanProgress(fraction, narrowed.Identification, found.Count));
            var selection = await ProbeAsync(narrowed, found, cancellationToken).ConfigureAwait(false);
            if (selection != MBusSelection.Collision)
            {
                continue;
            }

            if (position == 7)
            {
                // Same identification, differing in manufacturer, version or medium: list it rather than guess.
                found.Add(new MBusFoundMeter(null, narrowed.Identification, null, null, null, "several meters share this identification number"));
                LogSharedIdentification(logger, Port, narrowed.Identification);
                continue;
            }

            await NarrowAsync(narrowed, position + 1, fraction, span / 10, found, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<MBusSelection> ProbeAsync(MBusSecondaryAddress mask, List<MBusFoundMeter> found, CancellationToken cancellationToken)
    {
        await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var selection = await link.SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
            if (selection == MBusSelection.Selected)
            {
                found.Add(await DescribeAsync(SelectedAddress, null, cancellationToken).ConfigureAwait(false));
            }

            return selection;
        }
        finally
        {
            oneRequestAtATime.Release();
        }
    }

    /// <summary>Reads the first telegram at <paramref name="address"/> for a scan's list; a failure becomes the entry's problem.</summary>
    private async Task<MBusFoundMeter> DescribeAsync(byte address, byte? primary, CancellationToken cancellationToken)
    {
        var records = new MBusRecordBuffer();
        var status = await ReadTelegramsAsync(address, null, 1, records, cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccess)
        {
            return new MBusFoundMeter(primary, null, null, null, null, status.Detail);
        }

        var header = records.Header;
        return new MBusFoundMeter(primary ?? header.Address, header.Identification, header.Manufacturer, header.Version, header.Medium);
    }

    /// <summary>
    /// Reads the telegrams of the meter at <paramref name="address"/> into <paramref name="records"/>, named in
    /// messages by <paramref name="meter"/> (else by the address).
    /// </summary>
    private async ValueTask<MBusReadStatus> ReadTelegramsAsync(byte address, MBusMeterAddress? meter, int maxTelegrams, MBusRecordBuffer records, CancellationToken cancellationToken)
    {
        records.Clear();

        // After a reset the meter expects FCB set; each next telegram is asked for with the bit toggled.
        var frameCountBit = true;
        while (true)
        {
            var reply = await link.RequestUserDataAsync(address, frameCountBit, meter, cancellationToken).ConfigureAwait(false);
            switch (reply.Kind)
            {
                case MBusLink.ReplyKind.Silent:
                    return MBusReadStatus.NoReply($"the meter at {MBusLink.Describe(address, meter)} on {Port} did not answer REQ_UD2 ({link.Effort})");
                case MBusLink.ReplyKind.Invalid:
                    return MBusReadStatus.InvalidReply(
                        $"the meter at {MBusLink.Describe(address, meter)} on {Port} sent an invalid reply to REQ_UD2 ({link.Attempts} attempts): {reply.Problem} at byte {reply.ProblemOffset}", reply.Problem!, reply.ProblemOffset);
            }

            if (!MBusDecoder.TryDecode(reply.Frame.Span, records, out var rejection))
            {
                return MBusReadStatus.InvalidTelegram(rejection!.Message, rejection.Reason, rejection.Offset);
            }

            var more = records.MoreRecordsFollow;
            if (!more || records.TelegramCount == maxTelegrams)
            {
                if (more && maxTelegrams > 1)
                {
                    LogTelegramLimit(logger, Port, MBusLink.Describe(address, meter), maxTelegrams);
                }

                records.Truncated = more;
                return MBusReadStatus.Success;
            }

            frameCountBit = !frameCountBit;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus {Port}: {What} still has more records after {Limit} telegrams; the readout stops there (maxTelegrams)")]
    private static partial void LogTelegramLimit(ILogger logger, string port, string what, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus {Port}: several meters share identification number {Identification}; select them by manufacturer, version or medium")]
    private static partial void LogSharedIdentification(ILogger logger, string port, string identification);
}
