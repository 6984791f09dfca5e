using System.Diagnostics;
using System.Globalization;
using Loos.Edge.Polling.Serial;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.MBus.Master;

/// <summary>
/// The EN 13757-2 link layer of one line: builds the master's frames, sends each request with the line's timing and
/// tells what came back (silence, an acknowledgement, a valid frame, or something invalid and why), repeating a request
/// that got no valid reply. Not thread-safe: <see cref="MBusMaster"/> gives it one request at a time.
/// </summary>
internal sealed partial class MBusLink(IBusLine line, MBusLineOptions options, TimeProvider timeProvider, ILogger logger) : IDisposable
{
    // EN 13757-2 C fields sent by the master; REQ_UD2 carries FCV (0x10) and the frame count bit FCB (0x20).
    private const byte SndNke = 0x40;
    private const byte SndUd = 0x53;
    private const byte ReqUd2 = 0x5B;
    private const byte FrameCountBit = 0x20;

    // EN 13757-3: CI of a selection by secondary address.
    private const byte CiSelectSecondary = 0x52;

    private readonly byte[] receiveBuffer = new byte[2 * (255 + 6)]; // Room for a long frame behind noise.
    private readonly byte[] shortFrame = new byte[5];
    private long lastActivityTimestamp;

    /// <summary>The serial device, for messages.</summary>
    public string Port => line.Endpoint;

    /// <summary>How hard a silent meter was asked, for messages: "3 attempts of 188 ms".</summary>
    public string Effort => string.Create(CultureInfo.InvariantCulture, $"{Attempts} attempts of {options.EffectiveResponseTimeout.TotalMilliseconds:0} ms");

    /// <summary>How many times a request without a valid reply is sent.</summary>
    public int Attempts => 1 + options.Retries;

    /// <summary>Resets the meter at <paramref name="address"/> with SND_NKE, repeated while it stays silent.</summary>
    /// <returns>Acknowledged; Invalid when only garbled acknowledgements came (several meters, or noise); else Silent.</returns>
    public async Task<ReplyKind> ResetAsync(byte address, CancellationToken cancellationToken)
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

    /// <summary>A broadcast SND_NKE, which every meter takes and none answers: it resets every meter's frame count.</summary>
    public Task ResetEveryMeterAsync(CancellationToken cancellationToken) =>
        SendAsync(ShortFrame(SndNke, MBusMaster.BroadcastAddress), expectReply: false, cancellationToken);

    /// <summary>Selects the meters matching <paramref name="mask"/>, repeating a selection that nobody acknowledged.</summary>
    public async Task<MBusSelection> SelectWithRetriesAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        var selection = MBusSelection.None;
        for (var attempt = 1; attempt <= Attempts && selection != MBusSelection.Selected; attempt++)
        {
            var result = await SelectOnceAsync(mask, cancellationToken).ConfigureAwait(false);
            selection = result == MBusSelection.None ? selection : result;
        }

        return selection;
    }

    /// <summary>Selects the meters matching <paramref name="mask"/> (SND_UD to address 253, CI 0x52) with one request.</summary>
    public async Task<MBusSelection> SelectOnceAsync(MBusSecondaryAddress mask, CancellationToken cancellationToken)
    {
        // EN 13757-3 selection: SND_UD to 253, CI 0x52, then identification, manufacturer, version, medium.
        var request = new byte[9 + 8];
        request[0] = MBusFrame.LongStart;
        request[1] = request[2] = 3 + 8;
        request[3] = MBusFrame.LongStart;
        request[4] = SndUd;
        request[5] = MBusMaster.SelectedAddress;
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

    /// <summary>
    /// Sends REQ_UD2 until a valid RSP_UD arrives, repeating it unchanged (same FCB, so the meter sends the same
    /// telegram again) up to the retries.
    /// </summary>
    /// <returns>A <see cref="ReplyKind.Frame"/>; else the last attempt's <see cref="ReplyKind.Silent"/> or <see cref="ReplyKind.Invalid"/> with its problem.</returns>
    public async Task<Reply> RequestUserDataAsync(byte address, bool frameCountBit, MBusMeterAddress? meter, CancellationToken cancellationToken)
    {
        var request = ShortFrame((byte)(ReqUd2 | (frameCountBit ? FrameCountBit : 0)), address);
        Reply reply = default;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            reply = await SendAsync(request, expectReply: true, cancellationToken).ConfigureAwait(false);
            if (reply.Kind == ReplyKind.Frame)
            {
                var parsed = MBusFrame.Parse(reply.Frame.Span);
                if ((parsed.Control & 0xCF) == 0x08)
                {
                    return reply;
                }

                reply = new Reply(ReplyKind.Invalid, default, $"C field 0x{parsed.Control:X2} is not RSP_UD", 4);
            }
            else if (reply.Kind == ReplyKind.Acknowledged)
            {
                reply = new Reply(ReplyKind.Invalid, default, "an acknowledgement (0xE5) instead of data", 0);
            }

            if (attempt < Attempts)
            {
                LogRetry(logger, Port, Describe(address, meter), attempt, reply.Kind == ReplyKind.Silent ? "no reply" : $"{reply.Problem} at byte {reply.ProblemOffset}");
            }
        }

        return reply;
    }

    public void Dispose() => line.Dispose();

    /// <summary>A meter as messages name it: its address as the site file gives it, else the address on the line.</summary>
    internal static string Describe(byte address, MBusMeterAddress? meter) =>
        meter?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"address {address}");

    /// <summary>A short frame in the one array the link sends them from (one request at a time).</summary>
    private byte[] ShortFrame(byte control, byte address)
    {
        shortFrame[0] = MBusFrame.ShortStart;
        shortFrame[1] = control;
        shortFrame[2] = address;
        shortFrame[3] = (byte)(control + address);
        shortFrame[4] = MBusFrame.Stop;
        return shortFrame;
    }

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
    /// <exception cref="MBusLineException">The serial port cannot be opened or failed.</exception>
    private async Task<Reply> SendAsync(byte[] request, bool expectReply, CancellationToken cancellationToken, bool watchForCollision = false)
    {
        if (!line.IsOpen && await line.OpenAsync(cancellationToken).ConfigureAwait(false) is { } failure)
        {
            throw new MBusLineException(failure);
        }

        try
        {
            // The silences this master keeps run on the injected clock; the reply's timeouts time real I/O, so they
            // run on the monotonic clock (as RTU does).
            var idle = options.WireTime(3) - timeProvider.GetElapsedTime(lastActivityTimestamp);
            if (lastActivityTimestamp != 0 && idle > TimeSpan.Zero)
            {
                await Task.Delay(idle, timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var dropped = line.DiscardInput();
            if (dropped > 0)
            {
                LogDroppedBeforeRequest(logger, Port, dropped);
            }

            await line.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            var sent = Stopwatch.GetTimestamp();
            lastActivityTimestamp = timeProvider.GetTimestamp();
            if (!expectReply)
            {
                // Nobody answers a broadcast; give the meters the request's wire time and the quiet time to take it in.
                await Task.Delay(options.WireTime(request.Length) + options.WireTime(3), timeProvider, cancellationToken).ConfigureAwait(false);
                lastActivityTimestamp = timeProvider.GetTimestamp();
                return new Reply(ReplyKind.Silent, default, null, 0);
            }

            var reply = await ReceiveAsync(sent + ToStopwatchTicks(options.WireTime(request.Length) + options.EffectiveResponseTimeout), watchForCollision, cancellationToken).ConfigureAwait(false);
            lastActivityTimestamp = timeProvider.GetTimestamp();
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
                return Classify(received);
            }

            var bytes = receiveBuffer.AsSpan(0, received);
            var expected = ExpectedLength(bytes);
            if (expected is { } length && received >= length && !(watchForCollision && bytes[0] == MBusFrame.SingleCharacterByte))
            {
                if (received > length)
                {
                    LogTrailingBytes(logger, Port, received - length);
                }

                return Classify(length);
            }

            if (received == receiveBuffer.Length)
            {
                return new Reply(ReplyKind.Invalid, default, $"{received} bytes without a valid frame", 0);
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

    /// <summary>What the first <paramref name="length"/> bytes of the receive buffer are; a frame stays in the buffer until the next request.</summary>
    private Reply Classify(int length)
    {
        var bytes = receiveBuffer.AsSpan(0, length);
        if (bytes.IsEmpty)
        {
            return new Reply(ReplyKind.Silent, default, null, 0);
        }

        if (bytes[0] == MBusFrame.SingleCharacterByte)
        {
            return bytes.Length == 1
                ? new Reply(ReplyKind.Acknowledged, default, null, 0)
                : new Reply(ReplyKind.Invalid, default, $"{bytes.Length - 1} more bytes after the acknowledgement (several meters answering)", 1);
        }

        if (!MBusFrame.TryParse(bytes, out _, out var reason, out var offset))
        {
            return new Reply(ReplyKind.Invalid, default, reason, offset);
        }

        return new Reply(ReplyKind.Frame, receiveBuffer.AsMemory(0, length), null, 0);
    }

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Debug, Message = "M-Bus {Port}: dropped {Count} bytes received before the request")]
    private static partial void LogDroppedBeforeRequest(ILogger logger, string port, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "M-Bus {Port}: ignored {Count} bytes after a complete reply")]
    private static partial void LogTrailingBytes(ILogger logger, string port, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "M-Bus {Port}: {What}, attempt {Attempt}: {Problem}; repeating the request")]
    private static partial void LogRetry(ILogger logger, string port, string what, int attempt, string problem);

    /// <summary>What came back for one request.</summary>
    internal enum ReplyKind
    {
        Silent,
        Acknowledged,
        Frame,
        Invalid,
    }

    /// <summary>One reply: the frame when valid (in the receive buffer, until the next request), else the problem and the byte offset it was found at.</summary>
    internal readonly record struct Reply(ReplyKind Kind, ReadOnlyMemory<byte> Frame, string? Problem, int ProblemOffset);
}
