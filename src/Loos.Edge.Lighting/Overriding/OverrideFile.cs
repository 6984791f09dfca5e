using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>What reading the overrides file found.</summary>
internal enum OverrideFileStatus
{
    /// <summary>No file: no override was ever given, or every one was cancelled before the first write.</summary>
    Missing,

    /// <summary>A whole file of this version.</summary>
    Valid,

    /// <summary>Truncated, damaged, or not an overrides file at all.</summary>
    Damaged,

    /// <summary>Written by a newer gateway, in a version this one cannot read.</summary>
    Newer,
}

/// <summary>The outcome of <see cref="OverrideFile.Read"/>: the overrides, or why there are none.</summary>
internal sealed record OverrideFileRead(OverrideFileStatus Status, IReadOnlyList<LightingOverride> Overrides, string? Problem);

/// <summary>
/// The overrides in <c>lighting-overrides.dat</c> beside the buffer, replaced atomically (<see cref="DurableFile"/>):
/// after a power cut the file holds the overrides before or after the last change, whole.
/// </summary>
/// <remarks>
/// Version 1, little-endian (BinaryWriter; strings with its 7-bit length prefix, UTF-8): magic "LELO" (4) · version (1)
/// · reserved, zero (3) · override count int32 · per override: id, created (UTC ticks int64), from (UTC ticks), until
/// (UTC ticks), level byte, circuit count int32 (0: every circuit), the circuits, reason · CRC-32 (IEEE) of everything
/// before it. What forces a version bump: any change to this layout, to the meaning of a field, or to the CRC.
/// </remarks>
internal static class OverrideFile
{
    public const byte Version = 1;
    public const string FileName = "lighting-overrides.dat";

    /// <summary>Appended to a damaged file's name when it is set aside.</summary>
    public const string DamagedExtension = ".damaged";

    private const int HeaderLength = 8;

    private static ReadOnlySpan<byte> Magic => "LELO"u8;

    public static byte[] Encode(IReadOnlyCollection<LightingOverride> overrides)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(new byte[3]);
            writer.Write(overrides.Count);
            foreach (var item in overrides)
            {
                writer.Write(item.Id);
                writer.Write(item.Created.UtcTicks);
                writer.Write(item.From.UtcTicks);
                writer.Write(item.Until.UtcTicks);
                writer.Write((byte)item.Level);
                writer.Write(item.Circuits.Count);
                foreach (var circuit in item.Circuits)
                {
                    writer.Write(circuit);
                }

                writer.Write(item.Reason);
            }

            writer.Write(Crc32.HashToUInt32(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        }

        return memory.ToArray();
    }

    /// <summary>Decodes a file's bytes; never throws for bytes that are not a whole version-1 file.</summary>
    public static OverrideFileRead Decode(byte[] data)
    {
        if (data.Length < HeaderLength + sizeof(int) + sizeof(uint) || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return Damaged(data.Length < HeaderLength ? $"truncated: {data.Length} bytes" : "not an overrides file (no LELO header)");
        }

        var whole = BitConverter.ToUInt32(data, data.Length - sizeof(uint)) == Crc32.HashToUInt32(data.AsSpan(0, data.Length - sizeof(uint)));
        if (data[Magic.Length] > Version && whole)
        {
            return new OverrideFileRead(OverrideFileStatus.Newer, [], $"it is of format version {data[Magic.Length]}, written by a newer gateway; this one reads version {Version}");
        }

        if (!whole)
        {
            return Damaged($"the CRC does not match ({data.Length} bytes: truncated or damaged)");
        }

        if (data[Magic.Length] != Version)
        {
            return Damaged($"format version {data[Magic.Length]} is not one this gateway writes");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, HeaderLength, data.Length - HeaderLength - sizeof(uint)), Encoding.UTF8);
            var overrides = new LightingOverride[reader.ReadInt32()];
            for (var i = 0; i < overrides.Length; i++)
            {
                var id = reader.ReadString();
                var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var from = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var until = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var level = reader.ReadByte();
                var circuits = new string[reader.ReadInt32()];
                for (var c = 0; c < circuits.Length; c++)
                {
                    circuits[c] = reader.ReadString();
                }

                overrides[i] = new LightingOverride(id, circuits, level, from, until, reader.ReadString(), created);
            }

            return new OverrideFileRead(OverrideFileStatus.Valid, overrides, null);
        }
        catch (Exception exception) when (exception is EndOfStreamException or ArgumentException or OverflowException or IOException)
        {
            // A matching CRC over a layout that does not parse: written by something else.
            return Damaged($"its contents do not parse: {exception.Message}");
        }
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but cannot be read.</exception>
    public static OverrideFileRead Read(string path) =>
        File.Exists(path) ? Decode(File.ReadAllBytes(path)) : new OverrideFileRead(OverrideFileStatus.Missing, [], null);

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="overrides"/>, atomically and durably.</summary>
    /// <exception cref="IOException">The file or its directory cannot be written or synchronised.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, IReadOnlyCollection<LightingOverride> overrides)
    {
        DurableFile.CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        DurableFile.Replace(path, Encode(overrides));
    }

    private static OverrideFileRead Damaged(string problem) => new(OverrideFileStatus.Damaged, [], problem);
}
