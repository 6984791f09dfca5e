using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Loos.Edge.Modbus.Protocol;
using Loos.Edge.Polling.Serial;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Transport;

/// <summary>
/// RTU framing (Modbus over Serial Line v1.02 §2.5.1): unit address, PDU, CRC-16. A request waits for the 3.5-character
/// silence after the last bus activity; bytes already on the line are dropped first. A reply is recognised wherever it
/// starts in what arrives, so that leading garbage is skipped; bytes that stay silent for the inter-character timeout
/// without forming a valid frame are discarded and the wait goes on until the response timeout.
/// </summary>
internal sealed partial class RtuTransport(IBusLine line, RtuTimingOptions timing, TimeProvider timeProvider, ILogger logger) : IModbusTransport
{
    private const int MaxAduLength = 1 + ModbusPdu.MaxLength + 2; // Address, PDU, CRC: 256 bytes (§2.5.1).
    private const int ReceiveCapacity = 2 * MaxAduLength; // Room for a reply behind a burst of noise.

    private readonly byte[] requestFrame = new byte[MaxAduLength];
    private readonly byte[] receiveBuffer = new byte[ReceiveCapacity];
    private readonly ResponseTimer timer = new();
    private long lastActivityTimestamp;

    public string Endpoint => line.Endpoint;

    public Memory<byte> RequestPdu => requestFrame.AsMemory(1, ModbusPdu.MaxLength);

    public ReadOnlyMemory<byte> ReplyPdu { get; private set; }

    public bool IsBroadcast(byte unitId) => unitId == 0; // §2.1: address 0 is broadcast, never answered.

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> ExchangeAsync(byte unitId, int requestPduLength, CancellationToken cancellationToken)
    {
        ReplyPdu = ReadOnlyMemory<byte>.Empty;
        if (!line.IsOpen)
        {
            var failure = await line.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                return new ModbusOutcome(ModbusOutcomeKind.ConnectionFailed, Detail: failure);
            }
        }

        requestFrame[0] = unitId;
        var frameLength = Crc16.Append(requestFrame, 1 + requestPduLength);
        try
        {
            await WaitForSilenceAsync(cancellationToken).ConfigureAwait(false);
            var dropped = line.DiscardInput();
            if (dropped > 0)
            {
                LogDroppedBeforeRequest(logger, Endpoint, dropped);
            }

            await line.WriteAsync(requestFrame.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);

            // The write may return before the last byte is on the wire; count the frame's wire time as activity.
            lastActivityTimestamp = timeProvider.GetTimestamp() + ToTimestampTicks(RtuTiming.WireTime(frameLength, timing.BaudRate));
            if (IsBroadcast(unitId))
            {
                return ModbusOutcome.Success;
            }

            return await ReceiveAsync(unitId, frameLength, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            line.Close();
            LogLineBroken(logger, Endpoint, exception.Message);
            return new ModbusOutcome(ModbusOutcomeKind.ConnectionFailed, Detail: exception.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        line.Dispose();
        timer.Dispose();
        return ValueTask.CompletedTask;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ModbusOutcome> ReceiveAsync(byte unitId, int requestFrameLength, CancellationToken cancellationToken)
    {
        // Response timeout and inter-character gaps time real I/O, so they run on the monotonic clock; the injected
        // clock paces only the silences this master keeps itself.
        var start = Stopwatch.GetTimestamp();
        var lastByteTimestamp = start;
        var responseBudget = timing.ResponseTimeout + RtuTiming.WireTime(requestFrameLength, timing.BaudRate);
        var received = 0;
        var discarded = 0;
        string? lastProblem = null;
        while (true)
        {
            var remaining = responseBudget - Stopwatch.GetElapsedTime(start);
            var wait = received == 0 ? remaining : Min(remaining, timing.InterCharacterTimeout - Stopwatch.GetElapsedTime(lastByteTimestamp));
            var read = 0;
            var silent = false;
            if (wait > TimeSpan.Zero)
            {
                var registration = timer.Start(wait, cancellationToken);
                try
                {
                    read = await line.ReadAsync(receiveBuffer.AsMemory(received), timer.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        line.Close();
                        return new ModbusOutcome(ModbusOutcomeKind.ConnectionFailed, Detail: "the line was closed");
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    silent = true;
                }
                finally
                {
                    await registration.DisposeAsync().ConfigureAwait(false);
                    timer.Reset();
                }
            }
            else
            {
                silent = true;
            }

            if (read > 0)
            {
                received += read;
                lastByteTimestamp = Stopwatch.GetTimestamp();
                lastActivityTimestamp = timeProvider.GetTimestamp();
                var found = FindFrame(unitId, receiveBuffer.AsSpan(0, received), out var offset, out var length);
                if (found)
                {
                    if (offset > 0)
                    {
                        LogSkippedBeforeReply(logger, Endpoint, offset + discarded);
                    }

                    ReplyPdu = receiveBuffer.AsMemory(offset + 1, length - 3);
                    return ModbusOutcome.Success;
                }

                if (received == receiveBuffer.Length)
                {
                    discarded += received;
                    lastProblem = string.Create(CultureInfo.InvariantCulture, $"{received} bytes without a valid frame");
                    received = 0;
                }

                continue;
            }

            if (!silent)
            {
                continue;
            }

            if (received > 0)
            {
                // A silence longer than t1.5 ends a frame (§2.5.1.1): what arrived is not a valid reply.
                var problem = Describe(unitId, receiveBuffer.AsSpan(0, received));
                if (problem.IsCrcError)
                {
                    return new ModbusOutcome(ModbusOutcomeKind.InvalidReply, Detail: problem.Text);
                }

                LogDiscarded(logger, Endpoint, received, problem.Text);
                discarded += received;
                lastProblem = problem.Text;
                received = 0;
            }

            if (Stopwatch.GetElapsedTime(start) >= responseBudget)
            {
                return discarded > 0
                    ? new ModbusOutcome(ModbusOutcomeKind.InvalidReply, Detail: string.Create(CultureInfo.InvariantCulture, $"no valid reply within {timing.ResponseTimeout.TotalMilliseconds} ms; discarded {discarded} bytes ({lastProblem})"))
                    : new ModbusOutcome(ModbusOutcomeKind.Timeout, Detail: string.Create(CultureInfo.InvariantCulture, $"no reply within {timing.ResponseTimeout.TotalMilliseconds} ms"));
            }
        }
    }

    /// <summary>The first CRC-valid reply frame from <paramref name="unitId"/> in <paramref name="bytes"/>, at any offset.</summary>
    internal static bool FindFrame(byte unitId, ReadOnlySpan<byte> bytes, out int offset, out int length)
    {
        for (offset = 0; offset + 4 <= bytes.Length; offset++)
        {
            if (bytes[offset] != unitId)
            {
                continue;
            }

            length = FrameLength(bytes[offset..]);
            if (length > 0 && offset + length <= bytes.Length && Crc16.IsValid(bytes.Slice(offset, length)))
            {
                return true;
            }
        }

        length = 0;
        return false;
    }

    /// <summary>Why <paramref name="bytes"/>, ended by a silence, are not a reply frame.</summary>
    internal static (bool IsCrcError, string Text) Describe(byte unitId, ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexString(bytes.Length > 32 ? bytes[..32] : bytes) + (bytes.Length > 32 ? "..." : string.Empty);
        if (bytes.Length >= 4 && bytes[0] == unitId)
        {
            var length = FrameLength(bytes);
            if (length > 0 && bytes.Length >= length)
            {
                var frame = bytes[..length];
                var computed = Crc16.Compute(frame[..^2]);
                var carried = (ushort)(frame[^2] | (frame[^1] << 8));
                return (true, string.Create(CultureInfo.InvariantCulture, $"CRC mismatch: frame carries {carried:X4}, computed {computed:X4} ({hex})"));
            }

            if (length > 0)
            {
                return (false, string.Create(CultureInfo.InvariantCulture, $"incomplete frame: {bytes.Length} of {length} bytes ({hex})"));
            }
        }

        return (false, string.Create(CultureInfo.InvariantCulture, $"{bytes.Length} bytes that do not start a reply from unit {unitId} ({hex})"));
    }

    /// <summary>Frame length from address, function and byte count; 0 when unknown yet, -1 when not a reply.</summary>
    private static int FrameLength(ReadOnlySpan<byte> frame)
    {
        var pduLength = ModbusPdu.ReplyLength(frame[1], frame.Length > 2 ? frame[2] : -1);
        return pduLength > 0 ? 1 + pduLength + 2 : pduLength;
    }

    private async ValueTask WaitForSilenceAsync(CancellationToken cancellationToken)
    {
        if (lastActivityTimestamp == 0)
        {
            return;
        }

        var remaining = timing.InterFrameDelay + timing.InterRequestQuietTime - timeProvider.GetElapsedTime(lastActivityTimestamp);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private long ToTimestampTicks(TimeSpan duration) => (long)(duration.TotalSeconds * timeProvider.TimestampFrequency);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Modbus {Endpoint}: dropped {ByteCount} bytes on the line before a request")]
    private static partial void LogDroppedBeforeRequest(ILogger logger, string endpoint, int byteCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Modbus {Endpoint}: skipped {ByteCount} bytes before a valid reply")]
    private static partial void LogSkippedBeforeReply(ILogger logger, string endpoint, int byteCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Modbus {Endpoint}: discarded {ByteCount} bytes: {Problem}")]
    private static partial void LogDiscarded(ILogger logger, string endpoint, int byteCount, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus {Endpoint}: line broken ({Reason}); the next request reopens it")]
    private static partial void LogLineBroken(ILogger logger, string endpoint, string reason);
}

/// <summary>The timing an <see cref="RtuTransport"/> keeps, resolved from the options.</summary>
internal sealed record RtuTimingOptions(int BaudRate, TimeSpan ResponseTimeout, TimeSpan InterFrameDelay, TimeSpan InterCharacterTimeout, TimeSpan InterRequestQuietTime);
