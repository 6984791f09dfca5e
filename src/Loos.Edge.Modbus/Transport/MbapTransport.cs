using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Loos.Edge.Modbus.Protocol;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Transport;

/// <summary>
/// Modbus TCP: the MBAP header (MODBUS Messaging on TCP/IP Implementation Guide v1.0b §3.1.3) before each PDU,
/// replies matched to requests by transaction id, so that a late reply to an earlier request is discarded.
/// </summary>
internal sealed partial class MbapTransport : IModbusTransport
{
    private const int HeaderLength = 7; // transaction id, protocol id, length (2 bytes each), unit id: §3.1.3.
    private const int MaxAduLength = HeaderLength + ModbusPdu.MaxLength; // 260 bytes.

    private readonly string host;
    private readonly int port;
    private readonly TimeSpan connectTimeout;
    private readonly TimeSpan responseTimeout;
    private readonly TimeSpan quietTime;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly byte[] requestFrame = new byte[MaxAduLength];
    private readonly byte[] replyFrame = new byte[MaxAduLength];
    private readonly ResponseTimer timer = new();
    private Socket? socket;
    private ushort transactionId;
    private long lastReplyTimestamp;
    private int frameBytesReceived;

    public MbapTransport(string host, int port, TimeSpan connectTimeout, TimeSpan responseTimeout, TimeSpan quietTime, TimeProvider timeProvider, ILogger logger)
    {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.quietTime = quietTime;
        this.timeProvider = timeProvider;
        this.logger = logger;
        Endpoint = string.Create(CultureInfo.InvariantCulture, $"tcp://{host}:{port}");
    }

    public string Endpoint { get; }

    public Memory<byte> RequestPdu => requestFrame.AsMemory(HeaderLength, ModbusPdu.MaxLength);

    public ReadOnlyMemory<byte> ReplyPdu { get; private set; }

    public bool IsBroadcast(byte unitId) => false; // On TCP, unit 0 addresses the device itself and is answered.

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ModbusOutcome> ExchangeAsync(byte unitId, int requestPduLength, CancellationToken cancellationToken)
    {
        ReplyPdu = ReadOnlyMemory<byte>.Empty;
        if (socket is null)
        {
            var connected = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (!connected.IsSuccess)
            {
                return connected;
            }
        }

        await WaitQuietTimeAsync(cancellationToken).ConfigureAwait(false);
        var id = ++transactionId;
        BinaryPrimitives.WriteUInt16BigEndian(requestFrame, id);
        BinaryPrimitives.WriteUInt16BigEndian(requestFrame.AsSpan(2), 0); // Protocol identifier 0 = MODBUS (§3.1.3).
        BinaryPrimitives.WriteUInt16BigEndian(requestFrame.AsSpan(4), (ushort)(requestPduLength + 1)); // Unit id + PDU.
        requestFrame[6] = unitId;

        frameBytesReceived = 0;
        var registration = timer.Start(responseTimeout, cancellationToken);
        try
        {
            await socket!.SendAsync(requestFrame.AsMemory(0, HeaderLength + requestPduLength), SocketFlags.None, timer.Token).ConfigureAwait(false);
            while (true)
            {
                frameBytesReceived = 0;
                if (!await ReceiveExactlyAsync(replyFrame.AsMemory(0, HeaderLength)).ConfigureAwait(false))
                {
                    return Broken(frameBytesReceived > 0 ? "the device closed the connection mid-reply" : "the device closed the connection", frameBytesReceived);
                }

                var replyId = BinaryPrimitives.ReadUInt16BigEndian(replyFrame);
                var protocol = BinaryPrimitives.ReadUInt16BigEndian(replyFrame.AsSpan(2));
                var length = BinaryPrimitives.ReadUInt16BigEndian(replyFrame.AsSpan(4));
                if (protocol != 0 || length < 2 || length > ModbusPdu.MaxLength + 1)
                {
                    // The stream is out of step: no later byte can be trusted to start a header.
                    Close();
                    return new ModbusOutcome(ModbusOutcomeKind.InvalidReply, Detail: $"MBAP header {Convert.ToHexString(replyFrame, 0, HeaderLength)}: protocol {protocol}, length {length}");
                }

                if (!await ReceiveExactlyAsync(replyFrame.AsMemory(HeaderLength, length - 1)).ConfigureAwait(false))
                {
                    return Broken("the device closed the connection mid-reply", frameBytesReceived);
                }

                if (replyId != id)
                {
                    LogLateReplyDiscarded(logger, Endpoint, replyId, id);
                    continue;
                }

                lastReplyTimestamp = timeProvider.GetTimestamp();
                if (replyFrame[6] != unitId)
                {
                    return new ModbusOutcome(ModbusOutcomeKind.InvalidReply, Detail: $"reply from unit {replyFrame[6]}, expected {unitId}");
                }

                ReplyPdu = replyFrame.AsMemory(HeaderLength, length - 1);
                return ModbusOutcome.Success;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (frameBytesReceived > 0)
            {
                // Half a frame arrived: the rest would be misread as the next header.
                Close();
            }

            return new ModbusOutcome(ModbusOutcomeKind.Timeout, Detail: string.Create(CultureInfo.InvariantCulture, $"no reply within {responseTimeout.TotalMilliseconds} ms"));
        }
        catch (OperationCanceledException)
        {
            Close();
            throw;
        }
        catch (SocketException exception)
        {
            return Broken(exception.Message, frameBytesReceived);
        }
        catch (ObjectDisposedException)
        {
            return Broken("the connection was closed", frameBytesReceived);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            timer.Reset();
        }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        timer.Dispose();
        return ValueTask.CompletedTask;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveExactlyAsync(Memory<byte> buffer)
    {
        var offset = 0;
        while (offset < buffer.Length)
        {
            var read = await socket!.ReceiveAsync(buffer[offset..], SocketFlags.None, timer.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            offset += read;
            frameBytesReceived += read;
        }

        return true;
    }

    private async ValueTask<ModbusOutcome> ConnectAsync(CancellationToken cancellationToken)
    {
        var candidate = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var registration = timer.Start(connectTimeout, cancellationToken);
        try
        {
            await candidate.ConnectAsync(host, port, timer.Token).ConfigureAwait(false);
            socket = candidate;
            LogConnected(logger, Endpoint);
            return ModbusOutcome.Success;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            candidate.Dispose();
            return new ModbusOutcome(ModbusOutcomeKind.ConnectionFailed, Detail: string.Create(CultureInfo.InvariantCulture, $"could not connect to {host}:{port} within {connectTimeout.TotalMilliseconds} ms"));
        }
        catch (SocketException exception)
        {
            candidate.Dispose();
            return new ModbusOutcome(ModbusOutcomeKind.ConnectionFailed, Detail: $"could not connect to {host}:{port}: {exception.Message}");
        }
        catch
        {
            candidate.Dispose();
            throw;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            timer.Reset();
        }
    }

    private async ValueTask WaitQuietTimeAsync(CancellationToken cancellationToken)
    {
        if (quietTime > TimeSpan.Zero && lastReplyTimestamp != 0)
        {
            var remaining = quietTime - timeProvider.GetElapsedTime(lastReplyTimestamp);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private ModbusOutcome Broken(string reason, int bytesReceived)
    {
        Close();
        LogConnectionBroken(logger, Endpoint, reason);
        return new ModbusOutcome(
            ModbusOutcomeKind.ConnectionFailed,
            Detail: bytesReceived > 0 ? string.Create(CultureInfo.InvariantCulture, $"{reason} after {bytesReceived} bytes of the reply") : reason);
    }

    private void Close()
    {
        var current = socket;
        socket = null;
        current?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus {Endpoint}: discarded a late reply with transaction id {ReplyTransactionId} while waiting for {TransactionId}")]
    private static partial void LogLateReplyDiscarded(ILogger logger, string endpoint, ushort replyTransactionId, ushort transactionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Modbus {Endpoint}: connected")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus {Endpoint}: connection broken ({Reason}); the next request reconnects")]
    private static partial void LogConnectionBroken(ILogger logger, string endpoint, string reason);
}
