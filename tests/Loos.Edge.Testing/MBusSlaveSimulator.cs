using System.Collections.Concurrent;
using System.Globalization;

namespace Loos.Edge.Testing;

/// <summary>
/// One meter of a <see cref="MBusSlaveSimulator"/>: its primary address, the RSP_UD telegrams it answers with in turn
/// (every telegram but the last should end with DIF 0x1F, "more records follow"), and faults to inject. The identification,
/// manufacturer, version and medium used for secondary selection are read from the first telegram's header.
/// </summary>
public sealed class SimulatedMBusMeter
{
    private readonly byte[][] telegrams;

    /// <param name="primaryAddress">The primary address (0-250).</param>
    /// <param name="telegrams">RSP_UD long frames with a 12-byte header (CI 0x72); their A field and checksum are rewritten.</param>
    /// <param name="identification">When given, the 8 identification digits written into every telegram's header.</param>
    public SimulatedMBusMeter(byte primaryAddress, IEnumerable<byte[]> telegrams, string? identification = null)
    {
        PrimaryAddress = primaryAddress;
        this.telegrams = [.. telegrams.Select(frame => Patch(frame, primaryAddress, identification))];
        if (this.telegrams.Length == 0 || this.telegrams[0][6] != 0x72)
        {
            throw new ArgumentException("A simulated meter needs at least one long frame with CI 0x72.", nameof(telegrams));
        }

        var header = this.telegrams[0][7..];
        Identification = string.Concat(Enumerable.Range(0, 4).Select(i => header[3 - i].ToString("X2", CultureInfo.InvariantCulture)));
        ManufacturerCode = (ushort)(header[4] | (header[5] << 8));
        Version = header[6];
        Medium = header[7];
    }

    public byte PrimaryAddress { get; }

    public string Identification { get; }

    public ushort ManufacturerCode { get; }

    public byte Version { get; }

    public byte Medium { get; }

    /// <summary>The telegrams as sent (address and identification patched, checksum valid).</summary>
    public IReadOnlyList<byte[]> Telegrams => telegrams;

    /// <summary>A silent meter never answers (unpowered, wrong address, broken wire).</summary>
    public bool Silent { get; set; }

    /// <summary>How many of the next replies go out with a wrong checksum.</summary>
    public int CorruptReplies { get; set; }

    /// <summary>How many REQ_UD2 this meter has answered (corrupted replies included).</summary>
    public int DataRepliesSent => Volatile.Read(ref dataReplyCount);

    internal bool Selected { get; set; }

    internal int Cursor { get; set; }

    internal bool? LastFrameCountBit { get; set; }

    private int dataReplyCount;

    internal byte[] CurrentTelegram => telegrams[Cursor];


    internal void CountDataReply() => Interlocked.Increment(ref dataReplyCount);

    internal void ResetLink()
    {
        Cursor = 0;
        LastFrameCountBit = null;
    }

    internal bool MatchesSelection(ReadOnlySpan<byte> mask)
    {
        for (var i = 0; i < 4; i++)
        {
            var own = byte.Parse(Identification.AsSpan(6 - (2 * i), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (!NibbleMatches(mask[i] >> 4, own >> 4) || !NibbleMatches(mask[i] & 0xF, own & 0xF))
            {
                return false;
            }
        }

        var manufacturer = (ushort)(mask[4] | (mask[5] << 8));
        return (manufacturer == 0xFFFF || manufacturer == ManufacturerCode)
            && (mask[6] == 0xFF || mask[6] == Version)
            && (mask[7] == 0xFF || mask[7] == Medium);
    }

    private static bool NibbleMatches(int mask, int own) => mask == 0xF || mask == own;

    private static byte[] Patch(byte[] frame, byte address, string? identification)
    {
        var copy = (byte[])frame.Clone();
        copy[5] = address;
        if (identification is not null)
        {
            if (identification.Length != 8 || !identification.All(char.IsAsciiDigit))
            {
                throw new ArgumentException("An identification is 8 decimal digits.", nameof(identification));
            }

            for (var i = 0; i < 4; i++)
            {
                copy[7 + i] = byte.Parse(identification.AsSpan(6 - (2 * i), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        copy[^2] = MBusSlaveSimulator.Checksum(copy.AsSpan(4, copy[1]));
        return copy;
    }
}

/// <summary>
/// Wired M-Bus meters behind the device end of a serial pseudo-terminal, answering the master as EN 13757-2/-3
/// slaves do: SND_NKE (reset, acknowledged with 0xE5), REQ_UD2 (the next telegram when the frame count bit toggled,
/// the same one again when it did not), selection by secondary address with wildcards (SND_UD to 253, CI 0x52) and
/// the broadcast addresses 254 (answered) and 255 (not answered). Meters answering the same request at once collide:
/// their overlapping characters reach the master as a corrupted byte and a stray tail, as on a real bus where the
/// slaves' reply delays differ by a few bit times.
/// </summary>
public sealed class MBusSlaveSimulator : IAsyncDisposable
{
    private readonly FileStream port;
    private readonly IReadOnlyList<SimulatedMBusMeter> meters;
    private readonly Thread thread;
    private readonly ConcurrentQueue<string> requests = new();
    private volatile bool stopping;

    private MBusSlaveSimulator(string devicePath, IReadOnlyList<SimulatedMBusMeter> meters)
    {
        port = new FileStream(devicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        this.meters = meters;
        thread = new Thread(Serve) { IsBackground = true, Name = "M-Bus slave simulator" };
    }

    /// <summary>Every request received, as hex, in order.</summary>
    public IReadOnlyCollection<string> Requests => requests;

    /// <summary>Opens <paramref name="devicePath"/> (the device end of a <see cref="SerialPortPair"/>) and starts answering.</summary>
    public static MBusSlaveSimulator Start(string devicePath, params SimulatedMBusMeter[] meters)
    {
        var simulator = new MBusSlaveSimulator(devicePath, meters);
        simulator.thread.Start();
        return simulator;
    }

    internal static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (var value in bytes)
        {
            sum += value;
        }

        return sum;
    }

    public ValueTask DisposeAsync()
    {
        stopping = true;
        port.Dispose();
        thread.Join(TimeSpan.FromSeconds(2));
        return ValueTask.CompletedTask;
    }

    private void Serve()
    {
        var pending = new List<byte>();
        var chunk = new byte[512];
        while (!stopping)
        {
            int read;
            try
            {
                read = port.Read(chunk, 0, chunk.Length);
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            pending.AddRange(chunk.AsSpan(0, read));
            while (TryTakeFrame(pending, out var frame))
            {
                requests.Enqueue(Convert.ToHexString(frame));
                var reply = Answer(frame);
                if (reply.Length > 0)
                {
                    Thread.Sleep(5); // A meter starts its reply 11 to 330 bit times after the request.
                    try
                    {
                        port.Write(reply);
                        port.Flush();
                    }
                    catch (Exception exception) when (exception is IOException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Takes one complete master frame off the front of <paramref name="pending"/>; noise before a start byte is dropped.</summary>
    private static bool TryTakeFrame(List<byte> pending, out byte[] frame)
    {
        frame = [];
        while (pending.Count > 0 && pending[0] is not (0x10 or 0x68))
        {
            pending.RemoveAt(0);
        }

        if (pending.Count == 0)
        {
            return false;
        }

        var length = pending[0] == 0x10 ? 5 : pending.Count >= 2 ? pending[1] + 6 : int.MaxValue;
        if (pending.Count < length)
        {
            return false;
        }

        frame = [.. pending.GetRange(0, length)];
        pending.RemoveRange(0, length);
        return true;
    }

    private byte[] Answer(byte[] frame)
    {
        byte control;
        byte address;
        if (frame[0] == 0x10)
        {
            control = frame[1];
            address = frame[2];
            if (frame[3] != (byte)(control + address) || frame[4] != 0x16)
            {
                return []; // A frame with a bad checksum is ignored by every slave.
            }
        }
        else
        {
            control = frame[4];
            address = frame[5];
            if (frame[1] != frame[2] || frame[3] != 0x68 || frame[^2] != Checksum(frame.AsSpan(4, frame[1])) || frame[^1] != 0x16)
            {
                return [];
            }
        }

        var targets = Addressed(address);
        switch (control)
        {
            case 0x40: // SND_NKE: reset the link; to 253 it also ends the selection.
                foreach (var meter in targets)
                {
                    meter.ResetLink();
                    if (address == 253)
                    {
                        meter.Selected = false;
                    }
                }

                return address == 255 ? [] : Acknowledge(targets);

            case 0x5B or 0x7B: // REQ_UD2 with FCB clear or set.
                var frameCountBit = (control & 0x20) != 0;
                var replies = new List<byte[]>();
                foreach (var meter in targets.Where(m => !m.Silent))
                {
                    if (meter.LastFrameCountBit is { } last && last != frameCountBit)
                    {
                        // Toggled: the previous telegram arrived; move on (back to the first after the last one).
                        meter.Cursor = (meter.Cursor + 1) % meter.Telegrams.Count;
                    }

                    meter.LastFrameCountBit = frameCountBit;
                    var telegram = (byte[])meter.CurrentTelegram.Clone();
                    if (meter.CorruptReplies > 0)
                    {
                        meter.CorruptReplies--;
                        telegram[^2] ^= 0x5A;
                    }

                    meter.CountDataReply();
                    replies.Add(telegram);
                }

                return address == 255 ? [] : Collide(replies);

            case 0x53 or 0x73 when address == 253 && frame[0] == 0x68 && frame[6] == 0x52 && frame[1] == 11:
                var selected = new List<SimulatedMBusMeter>();
                foreach (var meter in meters)
                {
                    meter.Selected = meter.MatchesSelection(frame.AsSpan(7, 8));
                    if (meter.Selected)
                    {
                        meter.ResetLink();
                        selected.Add(meter);
                    }
                }

                return Acknowledge(selected);

            case 0x53 or 0x73:
                return address == 255 ? [] : Acknowledge(targets);

            default:
                return [];
        }
    }

    private List<SimulatedMBusMeter> Addressed(byte address) => address switch
    {
        253 => [.. meters.Where(m => m.Selected)],
        254 or 255 => [.. meters],
        _ => [.. meters.Where(m => m.PrimaryAddress == address)],
    };

    private static byte[] Acknowledge(List<SimulatedMBusMeter> targets) =>
        Collide([.. targets.Where(m => !m.Silent).Select(_ => new byte[] { 0xE5 })]);

    private static byte[] Collide(List<byte[]> replies)
    {
        if (replies.Count <= 1)
        {
            return replies.Count == 0 ? [] : replies[0];
        }

        // The second reply starts a few bit times after the first: where either sends a 0 the line carries a 0
        // (wired AND), so the master reads the first character shifted into itself and then the other tail.
        var first = replies[0];
        var garbled = (byte[])first.Clone();
        garbled[0] = (byte)(first[0] & (first[0] << 2 | 0x03));
        return [.. garbled, .. replies[1].AsSpan(1)];
    }
}
