using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.SelfMetrics;

/// <summary>The totals one target's counters had reached.</summary>
/// <param name="ForwardedReadings">Readings the target acknowledged.</param>
/// <param name="DeadLetteredReadings">Readings the target refused, moved to its dead-letter file.</param>
internal readonly record struct TargetTotals(long ForwardedReadings, long DeadLetteredReadings);

/// <summary>The totals the self-metrics' counters had reached, so that a restart continues from them.</summary>
/// <param name="AcceptedReadings">Readings the buffer took.</param>
/// <param name="DroppedReadings">Readings the buffer refused that their source did not keep.</param>
/// <param name="EvictedReadings">The highest count of evicted readings the buffer reported.</param>
/// <param name="Targets">Per forwarding target, by name.</param>
internal sealed record CounterTotals(long AcceptedReadings, long DroppedReadings, long EvictedReadings, IReadOnlyDictionary<string, TargetTotals> Targets)
{
    public static CounterTotals None { get; } = new(0, 0, 0, new Dictionary<string, TargetTotals>(StringComparer.Ordinal));
}

/// <summary>
/// The counters' totals in <c>self-metrics.state</c> beside the buffer, replaced atomically (<see cref="DurableFile"/>)
/// at every point written and at a clean stop: the next start adds what it counts to them.
/// </summary>
/// <remarks>
/// Version 1, little-endian: magic "LESM" · version byte · 3 reserved bytes · accepted int64 · dropped int64 · evicted
/// int64 · target count int32 · per target: name (length-prefixed UTF-8, as BinaryWriter writes strings), forwarded int64,
/// dead-lettered int64 · CRC-32 (IEEE) of everything before it. What forces a version bump: any change to this layout,
/// to the meaning of a field, or to the CRC.
/// </remarks>
internal static class SelfMetricsStateFile
{
    public const byte Version = 1;
    public const string FileName = "self-metrics.state";

    private static ReadOnlySpan<byte> Magic => "LESM"u8;

    /// <summary>Writes <paramref name="totals"/> to <paramref name="path"/>, replacing any file there.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void Write(string path, CounterTotals totals)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(stackalloc byte[3]);
            writer.Write(totals.AcceptedReadings);
            writer.Write(totals.DroppedReadings);
            writer.Write(totals.EvictedReadings);
            writer.Write(totals.Targets.Count);
            foreach (var (name, target) in totals.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                writer.Write(target.ForwardedReadings);
                writer.Write(target.DeadLetteredReadings);
            }

            writer.Write(Crc32.HashToUInt32(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        }

        DurableFile.Replace(path, memory.GetBuffer().AsSpan(0, (int)memory.Length));
    }

    /// <summary>The totals in <paramref name="path"/>; <see cref="CounterTotals.None"/> when there is no file, or when it is damaged (said through <paramref name="damaged"/>).</summary>
    /// <exception cref="InvalidDataException">The file was written by a newer format version.</exception>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static CounterTotals Read(string path, Action<string> damaged)
    {
        ArgumentNullException.ThrowIfNull(damaged);
        if (!File.Exists(path))
        {
            return CounterTotals.None;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length < 8 + 24 + 4 + 4 || !data.AsSpan(0, 4).SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)) != Crc32.HashToUInt32(data.AsSpan(0, data.Length - 4)))
        {
            damaged("truncated, or bad magic or CRC");
            return CounterTotals.None;
        }

        if (data[4] > Version)
        {
            throw new InvalidDataException(
                $"The self-metrics state file '{path}' has format version {data[4]}, but this gateway reads format version {Version} at most; it was written by a newer gateway.");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, 8, data.Length - 8 - 4), Encoding.UTF8);
            var accepted = reader.ReadInt64();
            var dropped = reader.ReadInt64();
            var evicted = reader.ReadInt64();
            var count = reader.ReadInt32();
            var targets = new Dictionary<string, TargetTotals>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                targets[reader.ReadString()] = new TargetTotals(reader.ReadInt64(), reader.ReadInt64());
            }

            return new CounterTotals(accepted, dropped, evicted, targets);
        }
        catch (EndOfStreamException)
        {
            damaged("its target list is cut short");
            return CounterTotals.None;
        }
    }
}
