using System.Buffers.Binary;
using System.IO.Hashing;
using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>A stretch of one boot during which the system clock was not synchronised.</summary>
/// <param name="BootId">The boot it happened in: the monotonic clock counts from the boot, so <paramref name="WallMinusMonotonicTicks"/> holds only within it.</param>
/// <param name="SinceUtcTicks">When the clock was found unsynchronised, by that clock.</param>
/// <param name="WallMinusMonotonicTicks">The wall clock minus the monotonic clock, measured then.</param>
/// <param name="CorrectionTicks">Once the clock is synchronised: what to add to a held reading's time; null before.</param>
internal sealed record ClockEpisode(Guid BootId, long SinceUtcTicks, long WallMinusMonotonicTicks, long? CorrectionTicks = null);

/// <summary>
/// The episode beside the held readings (<c>clock-held/episode.state</c>), replaced atomically.
/// </summary>
/// <remarks>
/// Version 1, 53 bytes: magic "LECE" (4) · version (1) · reserved (3) · boot id (16, <see cref="Guid.TryWriteBytes(Span{byte})"/>
/// order) · since, UTC ticks int64 · wall minus monotonic, ticks int64 · has correction (1) · correction, ticks int64 ·
/// CRC-32 of everything before it. Little-endian. What forces a version bump: any change to this layout or the CRC.
/// </remarks>
internal static class ClockEpisodeFile
{
    public const byte Version = 1;
    private const int Length = 8 + 16 + 8 + 8 + 1 + 8 + 4;

    private static ReadOnlySpan<byte> Magic => "LECE"u8;

    public static void Write(string path, ClockEpisode episode)
    {
        var data = new byte[Length];
        Magic.CopyTo(data);
        data[4] = Version;
        episode.BootId.TryWriteBytes(data.AsSpan(8));
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), episode.SinceUtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), episode.WallMinusMonotonicTicks);
        data[40] = episode.CorrectionTicks is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(41), episode.CorrectionTicks ?? 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Length - 4), Crc32.HashToUInt32(data.AsSpan(0, Length - 4)));
        DurableFile.Replace(path, data);
    }

    /// <summary>The episode in <paramref name="path"/>; one of an unknown boot when the file is damaged, so its readings are set aside, never mis-corrected.</summary>
    /// <exception cref="InvalidDataException">The file was written by a newer format version.</exception>
    public static ClockEpisode Read(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length != Length || !data.AsSpan(0, 4).SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Length - 4)) != Crc32.HashToUInt32(data.AsSpan(0, Length - 4)))
        {
            return new ClockEpisode(Guid.Empty, 0, 0);
        }

        if (data[4] > Version)
        {
            throw new InvalidDataException($"'{path}' has format version {data[4]}, but this gateway reads version {Version} at most; it was written by a newer gateway.");
        }

        return new ClockEpisode(
            new Guid(data.AsSpan(8, 16)),
            BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(24)),
            BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(32)),
            data[40] == 0 ? null : BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(41)));
    }
}
