using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>A consumer's checkpoint as stored on disk.</summary>
internal sealed record ConsumerCheckpoint(string Name, BufferPosition Position);

/// <summary>
/// The small state files beside the segments: one checkpoint per consumer (<c>consumers/*.pos</c>) and the total of
/// evicted readings (<c>evicted.total</c>). Each is replaced atomically: temp file, fsync, rename, fsync directory.
/// </summary>
/// <remarks>
/// Checkpoint, version 1: magic "LECP" (4) · version (1) · reserved (3) · segment int64 · offset int64 · name length
/// uint16 · name UTF-8 · CRC-32 of everything before it. Eviction total, version 1: magic "LEEV" (4) · version (1) ·
/// reserved (3) · total int64 · CRC-32. Little-endian. What forces a version bump: any change to these layouts or the CRC.
/// </remarks>
internal static class StateFiles
{
    public const byte Version = 1;
    public const string ConsumersFolder = "consumers";
    public const string EvictedFileName = "evicted.total";
    private const string CheckpointExtension = ".pos";

    private static ReadOnlySpan<byte> CheckpointMagic => "LECP"u8;

    private static ReadOnlySpan<byte> EvictedMagic => "LEEV"u8;

    /// <summary>A consumer's file name: its name escaped so that any target name is a safe file name.</summary>
    public static string CheckpointPath(string directory, string consumerName) =>
        Path.Combine(directory, ConsumersFolder, Uri.EscapeDataString(consumerName) + CheckpointExtension);

    public static void WriteCheckpoint(string directory, ConsumerCheckpoint checkpoint)
    {
        var name = Encoding.UTF8.GetBytes(checkpoint.Name);
        var data = new byte[8 + 16 + 2 + name.Length + 4];
        CheckpointMagic.CopyTo(data);
        data[4] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), checkpoint.Position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), checkpoint.Position.Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(24), (ushort)name.Length);
        name.CopyTo(data, 26);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(data.Length - 4), Crc32.HashToUInt32(data.AsSpan(0, data.Length - 4)));
        ReplaceAtomically(CheckpointPath(directory, checkpoint.Name), data);
    }

    /// <summary>Every checkpoint in <paramref name="directory"/>; damaged ones are reported through <paramref name="damaged"/> and left out.</summary>
    /// <exception cref="InvalidDataException">A checkpoint was written by a newer format version.</exception>
    public static List<ConsumerCheckpoint> ReadCheckpoints(string directory, Action<string, string> damaged)
    {
        var result = new List<ConsumerCheckpoint>();
        var folder = Path.Combine(directory, ConsumersFolder);
        if (!Directory.Exists(folder))
        {
            return result;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*" + CheckpointExtension))
        {
            var data = File.ReadAllBytes(path);
            if (data.Length < 30 || !data.AsSpan(0, 4).SequenceEqual(CheckpointMagic)
                || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)) != Crc32.HashToUInt32(data.AsSpan(0, data.Length - 4)))
            {
                damaged(path, "truncated, or bad magic or CRC");
                continue;
            }

            CheckVersion(data[4], path);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(24));
            if (26 + nameLength + 4 != data.Length)
            {
                damaged(path, "the name length does not match the file length");
                continue;
            }

            var position = new BufferPosition(
                BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8)),
                BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16)));
            result.Add(new ConsumerCheckpoint(Encoding.UTF8.GetString(data, 26, nameLength), position));
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public static void WriteEvictedTotal(string directory, long total)
    {
        var data = new byte[20];
        EvictedMagic.CopyTo(data);
        data[4] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), total);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), Crc32.HashToUInt32(data.AsSpan(0, 16)));
        ReplaceAtomically(Path.Combine(directory, EvictedFileName), data);
    }

    /// <summary>The persisted eviction total; 0 when absent, reported and 0 when damaged.</summary>
    public static long ReadEvictedTotal(string directory, Action<string, string> damaged)
    {
        var path = Path.Combine(directory, EvictedFileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length != 20 || !data.AsSpan(0, 4).SequenceEqual(EvictedMagic)
            || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16)) != Crc32.HashToUInt32(data.AsSpan(0, 16)))
        {
            damaged(path, "truncated, or bad magic or CRC");
            return 0;
        }

        CheckVersion(data[4], path);
        return BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
    }

    private static void CheckVersion(byte version, string path)
    {
        if (version > Version)
        {
            throw new InvalidDataException(
                $"Buffer state file '{path}' has format version {version}, but this gateway reads format version {Version} at most; it was written by a newer gateway.");
        }
    }

    private static void ReplaceAtomically(string path, byte[] data)
    {
        DurableFile.CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        DurableFile.Replace(path, data);
    }
}
