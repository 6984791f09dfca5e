using System.Buffers.Binary;
using System.IO.Hashing;
using Loos.Edge.Core;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>A counter's saved state.</summary>
/// <param name="Pulses">Pulses counted since commissioning.</param>
/// <param name="InitialValue">The <see cref="PulseCounterOptions.InitialValue"/> they count from.</param>
/// <param name="SavedAt">When it was written.</param>
internal readonly record struct PulseCounterState(long Pulses, double InitialValue, DateTimeOffset SavedAt);

/// <summary>What reading a counter's file found.</summary>
internal enum PulseCounterFileStatus
{
    /// <summary>No file: a new counter.</summary>
    Missing,

    /// <summary>A whole file with a matching CRC.</summary>
    Valid,

    /// <summary>Truncated, damaged, of another format version, or unreadable.</summary>
    Damaged,
}

/// <summary>The outcome of <see cref="PulseCounterFile.Read"/>.</summary>
internal readonly record struct PulseCounterFileRead(PulseCounterFileStatus Status, PulseCounterState State, string? Problem);

/// <summary>
/// One counter's saved count, <c>NAME.count</c> in the state directory (the name escaped as in a URI), replaced
/// atomically: written to <c>NAME.count.tmp</c>, fsynced, renamed over the old file, and the directory fsynced, so
/// that after a power cut the file holds either the old or the new count, whole.
/// </summary>
/// <remarks>
/// Version 1, 36 bytes, little-endian: magic "LEPC" (4) · version (1) · reserved, zero (3) · pulses since
/// commissioning int64 · initial value float64 · saved at, Unix milliseconds int64 · CRC-32 (IEEE) of the 32 bytes
/// before it. What forces a version bump: any change to this layout, to the meaning of a field, or to the CRC.
/// </remarks>
internal static class PulseCounterFile
{
    public const byte Version = 1;
    public const int Length = 36;
    public const string Extension = ".count";
    public const string CorruptExtension = ".corrupt";

    private static ReadOnlySpan<byte> Magic => "LEPC"u8;

    /// <summary>The file of counter <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string name) => Path.Combine(directory, Uri.EscapeDataString(name) + Extension);

    public static byte[] Encode(PulseCounterState state)
    {
        var data = new byte[Length];
        Magic.CopyTo(data);
        data[4] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), state.Pulses);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(16), state.InitialValue);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), state.SavedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), Crc32.HashToUInt32(data.AsSpan(0, 32)));
        return data;
    }

    /// <summary>Decodes a file's bytes; false with the problem when they are not a whole version-1 file.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out PulseCounterState state, out string? problem)
    {
        state = default;
        if (data.Length < 8)
        {
            problem = $"truncated: {data.Length} bytes of {Length}";
            return false;
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            problem = "not a pulse counter file (bad magic)";
            return false;
        }

        if (data[4] != Version)
        {
            // Another version has another layout: whole (its CRC matches) or not, this gateway cannot read it.
            var whole = data.Length >= 12 && BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]) == Crc32.HashToUInt32(data[..^4]);
            problem = whole ? $"format version {data[4]}, this gateway reads version {Version}" : "damaged: the CRC does not match";
            return false;
        }

        if (data.Length != Length)
        {
            problem = data.Length < Length ? $"truncated: {data.Length} bytes of {Length}" : $"{data.Length} bytes long, {Length} expected";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data[32..]) != Crc32.HashToUInt32(data[..32]))
        {
            problem = "damaged: the CRC does not match";
            return false;
        }

        var pulses = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        var initialValue = BinaryPrimitives.ReadDoubleLittleEndian(data[16..]);
        if (pulses < 0 || !double.IsFinite(initialValue))
        {
            problem = "damaged: the count is not possible";
            return false;
        }

        state = new PulseCounterState(pulses, initialValue, DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[24..])));
        problem = null;
        return true;
    }

    /// <summary>Reads the file at <paramref name="path"/>; never throws for a missing, damaged or unreadable file.</summary>
    public static PulseCounterFileRead Read(string path)
    {
        byte[] data;
        try
        {
            if (!File.Exists(path))
            {
                return new PulseCounterFileRead(PulseCounterFileStatus.Missing, default, null);
            }

            data = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new PulseCounterFileRead(PulseCounterFileStatus.Damaged, default, $"unreadable: {exception.Message}");
        }

        return TryDecode(data, out var state, out var problem)
            ? new PulseCounterFileRead(PulseCounterFileStatus.Valid, state, null)
            : new PulseCounterFileRead(PulseCounterFileStatus.Damaged, default, problem);
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="state"/>, atomically and durably.</summary>
    /// <exception cref="IOException">The file or its directory cannot be written or synchronised.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, PulseCounterState state)
    {
        DurableFile.Replace(path, Encode(state));
    }

    /// <summary>
    /// Moves a damaged file aside as <c>NAME.count.yyyyMMddTHHmmssZ.corrupt</c> (kept for inspection, and as the mark
    /// that the counter is unverified); returns its path, or null when it could not be moved.
    /// </summary>
    public static string? KeepAside(string path, DateTimeOffset now)
    {
        var aside = $"{path}.{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}{CorruptExtension}";
        try
        {
            File.Move(path, aside, overwrite: false);
            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
            return aside;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The damaged files kept aside for the counter whose file is <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> CorruptFilesOf(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var prefix = Path.GetFileName(path) + ".";
        try
        {
            return [.. Directory.EnumerateFiles(folder)
                .Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal) && f.EndsWith(CorruptExtension, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
