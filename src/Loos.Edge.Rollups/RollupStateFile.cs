using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Rollups;

/// <summary>One series in a <see cref="RollupState"/>: its readings from the open windows on (with a counter baseline before).</summary>
/// <param name="Key">The series.</param>
/// <param name="FirstSeenTicks">When the gateway first rolled it up since it last started from nothing (see <see cref="RollupService"/>).</param>
/// <param name="Ticks">The readings' instants, in time order.</param>
/// <param name="Values">Their values.</param>
internal sealed record RollupSeriesState(SeriesKey Key, long FirstSeenTicks, long[] Ticks, double[] Values);

/// <summary>What a stopping gateway leaves for the next start to finish its open windows.</summary>
/// <param name="SavedAt">When it was written.</param>
/// <param name="ClosedUpToTicks">Every window that ended by this instant was reported (<see cref="Rollups.RollupEngine.ClosedUpToTicks"/>).</param>
/// <param name="Series">The series rolled up, with their readings from the windows still open on.</param>
internal sealed record RollupState(DateTimeOffset SavedAt, long ClosedUpToTicks, IReadOnlyList<RollupSeriesState> Series);

/// <summary>
/// The rollups' open windows over a clean stop, in <c>rollups.state</c> beside the buffer, replaced atomically
/// (<see cref="DurableFile"/>). Written at a clean stop, read and removed at the next start: after a crash there is none,
/// and the first windows after the start are left unreported, as they may miss readings.
/// </summary>
/// <remarks>
/// Version 1, little-endian (BinaryWriter): magic "LERS" · version byte · saved at (UTC ticks) · closed up to (UTC
/// ticks) · series count int32 · per series: measurement, tag count int32, tag keys and values, field, unit (strings as
/// BinaryWriter writes them), value kind byte, first seen (UTC ticks), reading count int32, then the instants (UTC
/// ticks) and the values (float64) · CRC-32 (IEEE) of everything before it.
/// </remarks>
internal static class RollupStateFile
{
    public const byte Version = 1;
    public const string FileName = "rollups.state";

    private static ReadOnlySpan<byte> Magic => "LERS"u8;

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/>, replacing any file there.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, RollupState state)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(state.SavedAt.UtcTicks);
            writer.Write(state.ClosedUpToTicks);
            writer.Write(state.Series.Count);
            foreach (var series in state.Series)
            {
                var key = series.Key;
                writer.Write(key.Measurement);
                writer.Write(key.Tags.Length);
                foreach (var tag in key.Tags)
                {
                    writer.Write(tag.Key);
                    writer.Write(tag.Value);
                }

                writer.Write(key.Field);
                writer.Write(key.Unit);
                writer.Write((byte)key.Kind);
                writer.Write(series.FirstSeenTicks);
                writer.Write(series.Ticks.Length);
                foreach (var tick in series.Ticks)
                {
                    writer.Write(tick);
                }

                foreach (var value in series.Values)
                {
                    writer.Write(value);
                }
            }

            writer.Write(Crc32.HashToUInt32(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        }

        DurableFile.Replace(path, memory.GetBuffer().AsSpan(0, (int)memory.Length));
    }

    /// <summary>Reads the file at <paramref name="path"/>; false with the reason when it is damaged or of another version.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static bool TryRead(string path, out RollupState? state, out string problem)
    {
        state = null;
        var data = File.ReadAllBytes(path);
        if (data.Length < Magic.Length + 1 + sizeof(uint) || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            problem = "it is not a rollup state file (no LERS header)";
            return false;
        }

        if (data[Magic.Length] != Version)
        {
            problem = $"it is of version {data[Magic.Length]}, this gateway reads version {Version}";
            return false;
        }

        var body = data.AsSpan(0, data.Length - sizeof(uint));
        if (Crc32.HashToUInt32(body) != BitConverter.ToUInt32(data, body.Length))
        {
            problem = $"the CRC does not match ({data.Length} bytes: truncated or damaged)";
            return false;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, 0, body.Length), Encoding.UTF8);
            reader.ReadBytes(Magic.Length + 1);
            var savedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var closedUpTo = reader.ReadInt64();
            var series = new RollupSeriesState[reader.ReadInt32()];
            for (var i = 0; i < series.Length; i++)
            {
                var measurement = reader.ReadString();
                var tags = new Tag[reader.ReadInt32()];
                for (var t = 0; t < tags.Length; t++)
                {
                    tags[t] = new Tag(reader.ReadString(), reader.ReadString());
                }

                var key = new SeriesKey(measurement, tags, reader.ReadString(), reader.ReadString(), (ValueKind)reader.ReadByte());
                var firstSeen = reader.ReadInt64();
                var ticks = new long[reader.ReadInt32()];
                var values = new double[ticks.Length];
                for (var r = 0; r < ticks.Length; r++)
                {
                    ticks[r] = reader.ReadInt64();
                }

                for (var r = 0; r < values.Length; r++)
                {
                    values[r] = reader.ReadDouble();
                }

                series[i] = new RollupSeriesState(key, firstSeen, ticks, values);
            }

            state = new RollupState(savedAt, closedUpTo, series);
            problem = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is EndOfStreamException or ArgumentException or OverflowException or IOException)
        {
            // A matching CRC over a layout that does not parse: written by something else.
            problem = $"its contents do not parse: {exception.Message}";
            return false;
        }
    }
}
