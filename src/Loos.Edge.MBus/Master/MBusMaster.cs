using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.MBus.Master;

/// <summary>
/// The master of one wired M-Bus line (EN 13757-2 link layer): resets and reads meters by primary or secondary
/// address, follows multi-telegram readouts with the frame count bit, and searches the line. One request at a time:
/// every public call holds the line for its whole exchange, so concurrent callers queue. The serial port is opened
/// on first use and reopened after it breaks.
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

    // EN 13757-2 C fields sent by the master; REQ_UD2 carries FCV (0x10) and the frame count bit FCB (0x20).
    private const byte SndNke = 0x40;
    private const byte SndUd = 0x53;
    private const byte ReqUd2 = 0x5B;
    private const byte FrameCountBit = 0x20;

    // EN 13757-3: CI of a selection by secondary address.
    private const byte CiSelectSecondary = 0x52;

    private const int ReceiveCapacity = 2 * (255 + 6);

    private readonly IMBusLine line;
    private readonly MBusLineOptions options;
    private readonly ILogger logger;
    private readonly SemaphoreSlim oneRequestAtATime = new(1, 1);
    private readonly byte[] receiveBuffer = new byte[ReceiveCapacity];
    private long lastActivityTimestamp;

    internal MBusMaster(IMBusLine line, MBusLineOptions options, ILogger? logger)
    {
        this.line = line;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The master of the line on <see cref="MBusLineOptions.DevicePath"/>; the port opens on the first request.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static MBusMaster ForSerialPort(MBusLineOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = MBusLineOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        return new MBusMaster(new SerialMBusLine(options), options, logger);
    }

    /// <summary>The serial device.</summary>
    public string Port => line.Name;

    /// <summary>
    /// Reads a meter: a primary address is reset with SND_NKE, a secondary address is selected; then REQ_UD2 is
    /// repeated with the frame count bit toggled while the meter says more records follow (up to
    /// <see cref="MBusLineOptions.MaxTelegrams"/>). A request without a valid reply is repeated with the same frame
    /// count bit, so the meter sends the same telegram again.
    /// </summary>
    /// <exception cref="MBusNoReplyException">The meter did not answer.</exception>
    /// <exception cref="MBusInvalidReplyException">Its reply stayed invalid after every retry, or several meters answered a selection.</exception>
    /// <exception cref="MBusFrameException">A reply passed the link-layer checks but its user data is malformed.</exception>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    public async Task<MBusReadout> ReadAsync(MBusMeterAddress address, CancellationToken cancellationToken)
    {
        await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte target;
            if (address.PrimaryAddress is { } primary)
            {
                target = primary;
                var reset = await SendNkeAsync(primary, cancellationToken).ConfigureAwait(false);
                if (reset == ReplyKind.Silent)
                {
                    throw new MBusNoReplyException($"no meter answers at {address} on {Port} ({Attempts} attempts of {Milliseconds(options.EffectiveResponseTimeout)} ms)");
                }
            }
            else
            {
                target = SelectedAddress;
                var mask = address.SecondaryAddress!.Value;

                // A broadcast SND_NKE resets every meter's frame count, so that the readout starts at the first telegram.
                await SendAsync(ShortFrame(SndNke, BroadcastAddress), expectReply: false, cancellationToken).ConfigureAwait(false);
                var selection = await SelectWithRetriesAsync(mask, cancellationToken).ConfigureAwait(false);
                switch (selection)
                {
                    case MBusSelection.None:
                        throw new MBusNoReplyException($"no meter answers the selection of {address} on {Port} ({Attempts} attempts of {Milliseconds(options.EffectiveResponseTimeout)} ms)");
                    case MBusSelection.Collision:
                        throw new MBusInvalidReplyException($"several meters answer the selection of {address} on {Port}", "collision", 0);
                }
            }

            return await ReadTelegramsAsync(target, address.ToString(), options.MaxTelegrams, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            oneRequestAtATime.Release();
        }
    }

    /// <summary>Selects the meters matching <paramref name="mask"/> (SND_UD to address 253, CI 0x52) with one request.</summary>
    public async Task<MBusSelection> SelectAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        await oneRequestAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
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
                var reset = await SendNkeAsync(primary, cancellationToken).ConfigureAwait(false);
                if (reset == ReplyKind.Silent)
                {
                    continue;
                }

                if (reset == ReplyKind.Invalid)
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
        line.Dispose();
        oneRequestAtATime.Dispose();
    }

    private int Attempts => 1 + options.Retries;

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
            var selection = await SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
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
        try
        {
            var readout = await ReadTelegramsAsync(address, $"address {address}", 1, cancellationToken).ConfigureAwait(false);
            var header = readout.First;
            return new MBusFoundMeter(primary ?? header.Address, header.Identification, header.Manufacturer, header.Version, header.Medium);
        }
        catch (Exception exception) when (exception is MBusNoReplyException or MBusInvalidReplyException or MBusFrameException)
        {
            return new MBusFoundMeter(primary, null, null, null, null, exception.Message);
        }
    }

    private async Task<MBusReadout> ReadTelegramsAsync(byte address, string what, int maxTelegrams, CancellationToken cancellationToken)
    {
        var telegrams = new List<MBusTelegram>();

        // After a reset the meter expects FCB set; each next telegram is asked for with the bit toggled.
        var frameCountBit = true;
        while (true)
        {
            var control = (byte)(ReqUd2 | (frameCountBit ? FrameCountBit : 0));
            var frame = await RequestUserDataAsync(ShortFrame(control, address), what, cancellationToken).ConfigureAwait(false);
            var telegram = MBusDecoder.Decode(frame);
            telegrams.Add(telegram);
            var more = telegram.Records.Count > 0 && telegram.Records[^1].Function == MBusFunction.MoreRecordsFollow;
            if (!more || telegrams.Count == maxTelegrams)
            {
                if (more && maxTelegrams > 1)
                {
                    LogTelegramLimit(logger, Port, what, maxTelegrams);
                }

                return new MBusReadout { Telegrams = telegrams, Truncated = more };
            }

            frameCountBit = !frameCountBit;
        }
    }

    /// <summary>Sends REQ_UD2 until a valid RSP_UD arrives, repeating it unchanged (same FCB) up to the retries.</summary>
    private async Task<byte[]> RequestUserDataAsync(byte[] request, string what, CancellationToken cancellationToken)
    {
        Reply reply = default;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            reply = await SendAsync(request, expectReply: true, cancellationToken).ConfigureAwait(false);
            if (reply.Kind == ReplyKind.Frame)
            {
                var parsed = MBusFrame.Parse(reply.Frame!);
                if ((parsed.Control & 0xCF) == 0x08)
                {
                    return reply.Frame!;
                }

                reply = new Reply(ReplyKind.Invalid, null, $"C field 0x{parsed.Control:X2} is not RSP_UD", 4);
            }
            else if (reply.Kind == ReplyKind.Acknowledged)
            {
                reply = new Reply(ReplyKind.Invalid, null, "an acknowledgement (0xE5) instead of data", 0);
            }

            if (attempt < Attempts)
            {
                LogRetry(logger, Port, what, attempt, reply.Kind == ReplyKind.Silent ? "no reply" : $"{reply.Problem} at byte {reply.ProblemOffset}");
            }
        }

        if (reply.Kind == ReplyKind.Silent)
        {
            throw new MBusNoReplyException($"the meter at {what} on {Port} did not answer REQ_UD2 ({Attempts} attempts of {Milliseconds(options.EffectiveResponseTimeout)} ms)");
        }

        throw new MBusInvalidReplyException($"the meter at {what} on {Port} sent an invalid reply to REQ_UD2 ({Attempts} attempts): {reply.Problem} at byte {reply.ProblemOffset}", reply.Problem!, reply.ProblemOffset);
    }

    private async Task<ReplyKind> SendNkeAsync(byte address, CancellationToken cancellationToken)
    {
        var request = ShortFrame(SndNke, address);
        var outcome = ReplyKind.Silent;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var reply = await SendAsync(request, expectReply: true, cancellationToken, watchForCollision: true).ConfigureAwait(false);
            if (reply.Kind == ReplyKind.Acknowledged)
            {
                return ReplyKind.Acknowledged;
            }

            // A garbled acknowledgement is remembered: if no clean one follows, the address is shared or noisy.
            outcome = reply.Kind == ReplyKind.Silent ? outcome : ReplyKind.Invalid;
        }

        return outcome;
    }

    private async Task<MBusSelection> SelectWithRetriesAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        var selection = MBusSelection.None;
        for (var attempt = 1; attempt <= Attempts && selection != MBusSelection.Selected; attempt++)
        {
            var result = await SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
            selection = result == MBusSelection.None ? selection : result;
        }

        return selection;
    }

    private async Task<MBusSelection> SelectOnceAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        // EN 13757-3 selection: SND_UD to 253, CI 0x52, then identification, manufacturer, version, medium.
        var request = new byte[9 + 8];
        request[0] = MBusFrame.LongStart;
        request[1] = request[2] = 3 + 8;
        request[3] = MBusFrame.LongStart;
        request[4] = SndUd;
        request[5] = SelectedAddress;
        request[6] = CiSelectSecondary;
        mask.WriteSelection(request.AsSpan(7, 8));
        request[15] = Checksum(request.AsSpan(4, 11));
        request[16] = MBusFrame.Stop;
        var reply = await SendAsync(request, expectReply: true, cancellationToken, watchForCollision: true).ConfigureAwait(false);
        return reply.Kind switch
        {
            ReplyKind.Silent => MBusSelection.None,
            ReplyKind.Acknowledged => MBusSelection.Selected,
            _ => MBusSelection.Collision,
        };
    }

    private static byte[] ShortFrame(byte control, byte address) =>
        [MBusFrame.ShortStart, control, address, (byte)(control + address), MBusFrame.Stop];

    private static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (var value in bytes)
        {
            sum += value;
        }

        return sum;
    }

    /// <summary>
    /// One request and its reply. The line is kept idle for 33 bit times before sending (EN 13757-2 synchronisation),
    /// stale input is dropped, and the reply must start within the response timeout counted from the end of the
    /// request on the wire. With <paramref name="watchForCollision"/>, an acknowledgement is only clean if nothing
    /// else follows it within the inter-character timeout.
    /// </summary>
    private async Task<Reply> SendAsync(byte[] request, bool expectReply, CancellationToken cancellationToken, bool watchForCollision = false)
    {
        if (!line.IsOpen)
        {
            line.Open();
        }

        try
        {
            var idle = options.WireTime(3) - Stopwatch.GetElapsedTime(lastActivityTimestamp);
            if (lastActivityTimestamp != 0 && idle > TimeSpan.Zero)
            {
                await Task.Delay(idle, cancellationToken).ConfigureAwait(false);
            }

            var dropped = line.DiscardInput();
            if (dropped > 0)
            {
                LogDroppedBeforeRequest(logger, Port, dropped);
            }

            await line.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            var sent = Stopwatch.GetTimestamp();
            lastActivityTimestamp = sent;
            if (!expectReply)
            {
                // Nobody answers a broadcast; give the meters the request's wire time and the quiet time to take it in.
                await Task.Delay(options.WireTime(request.Length) + options.WireTime(3), cancellationToken).ConfigureAwait(false);
                lastActivityTimestamp = Stopwatch.GetTimestamp();
                return new Reply(ReplyKind.Silent, null, null, 0);
            }

            var reply = await ReceiveAsync(sent + ToTicks(options.WireTime(request.Length) + options.EffectiveResponseTimeout), watchForCollision, cancellationToken).ConfigureAwait(false);
            lastActivityTimestamp = Stopwatch.GetTimestamp();
            return reply;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            line.Close();
            throw new MBusLineException($"the serial line {Port} failed: {exception.Message}", exception);
        }
    }

    private async Task<Reply> ReceiveAsync(long deadline, bool watchForCollision, CancellationToken cancellationToken)
    {
        var received = 0;
        var gap = options.EffectiveInterCharacterTimeout;
        while (true)
        {
            var wait = received == 0 ? TimeSpan.FromTicks((long)((deadline - Stopwatch.GetTimestamp()) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency))) : gap;
            var read = wait > TimeSpan.Zero ? await ReadWithinAsync(received, wait, cancellationToken).ConfigureAwait(false) : 0;
            if (read < 0)
            {
                throw new IOException("the line was closed");
            }

            received += read;
            if (read == 0)
            {
                // Silence: the reply, if any, has ended.
                return Classify(receiveBuffer.AsSpan(0, received));
            }

            var bytes = receiveBuffer.AsSpan(0, received);
            var expected = ExpectedLength(bytes);
            if (expected is { } length && received >= length && !(watchForCollision && bytes[0] == MBusFrame.SingleCharacterByte))
            {
                if (received > length)
                {
                    LogTrailingBytes(logger, Port, received - length);
                }

                return Classify(bytes[..length]);
            }

            if (received == receiveBuffer.Length)
            {
                return new Reply(ReplyKind.Invalid, null, $"{received} bytes without a valid frame", 0);
            }
        }
    }

    /// <summary>Reads into the receive buffer for at most <paramref name="wait"/>; 0 on silence, −1 when the line closed.</summary>
    private async Task<int> ReadWithinAsync(int offset, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            var read = await line.ReadAsync(receiveBuffer.AsMemory(offset), timeout.Token).ConfigureAwait(false);
            return read == 0 ? -1 : read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>The full length of the frame that starts <paramref name="bytes"/>, once its header says it; null before.</summary>
    private static int? ExpectedLength(ReadOnlySpan<byte> bytes) => bytes[0] switch
    {
        MBusFrame.SingleCharacterByte => 1,
        MBusFrame.ShortStart => 5,
        MBusFrame.LongStart when bytes.Length >= 2 => bytes[1] + 6,
        MBusFrame.LongStart => null,
        _ => 1, // Not a start character: decided by Classify as soon as it arrives.
    };

    private static Reply Classify(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return new Reply(ReplyKind.Silent, null, null, 0);
        }

        if (bytes[0] == MBusFrame.SingleCharacterByte)
        {
            return bytes.Length == 1
                ? new Reply(ReplyKind.Acknowledged, null, null, 0)
                : new Reply(ReplyKind.Invalid, null, $"{bytes.Length - 1} more bytes after the acknowledgement (several meters answering)", 1);
        }

        if (!MBusFrame.TryParse(bytes, out _, out var reason, out var offset))
        {
            return new Reply(ReplyKind.Invalid, null, reason, offset);
        }

        return new Reply(ReplyKind.Frame, bytes.ToArray(), null, 0);
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string Milliseconds(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Debug, Message = "M-Bus {Port}: dropped {Count} bytes received before the request")]
    private static partial void LogDroppedBeforeRequest(ILogger logger, string port, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "M-Bus {Port}: ignored {Count} bytes after a complete reply")]
    private static partial void LogTrailingBytes(ILogger logger, string port, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "M-Bus {Port}: {What}, attempt {Attempt}: {Problem}; repeating the request")]
    private static partial void LogRetry(ILogger logger, string port, string what, int attempt, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus {Port}: {What} still has more records after {Limit} telegrams; the readout stops there (maxTelegrams)")]
    private static partial void LogTelegramLimit(ILogger logger, string port, string what, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Bus {Port}: several meters share identification number {Identification}; select them by manufacturer, version or medium")]
    private static partial void LogSharedIdentification(ILogger logger, string port, string identification);

    private enum ReplyKind
    {
        Silent,
        Acknowledged,
        Frame,
        Invalid,
    }

    private readonly record struct Reply(ReplyKind Kind, byte[]? Frame, string? Problem, int ProblemOffset);
}
