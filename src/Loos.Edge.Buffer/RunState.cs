using System.Buffers.Binary;
using System.IO.Hashing;
using Loos.Edge.Core;
using Loos.Edge.Core.Clock;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Buffer;

/// <summary>
/// <c>run.state</c> beside the segments says whether the buffer is open: written "running" at open with the boot it
/// runs in and its <see cref="BufferOptions.SyncInterval"/>, "stopped" at a clean stop, once everything is fsynced.
/// Found "running" at the next open, the previous run did not stop cleanly. When the machine restarted meanwhile (a
/// power cut) and appends were fsynced late, readings written but not yet fsynced may be gone: logged and counted in
/// <see cref="BufferStatistics.PossibleLossAfter"/> and <see cref="BufferStatistics.PossibleLossStops"/>. A crash of the
/// gateway alone loses nothing: the kernel's page cache keeps what it wrote.
/// </summary>
/// <remarks>
/// Version 1, little-endian: magic "LERS" (4) · version (1) · running (1) · reserved (2) · boot id (16) · sync interval
/// ticks int64 · stops with possible loss so far int64 · CRC-32 of everything before it. What forces a version bump: any
/// change to this layout or the CRC.
/// </remarks>
internal static class RunState
{
    public const string FileName = "run.state";
    private const byte Version = 1;
    private const int Length = 4 + 4 + 16 + 8 + 8 + 4;

    private static ReadOnlySpan<byte> Magic => "LERS"u8;

    /// <summary>What the open found of the previous run.</summary>
    /// <param name="PossibleLossAfter">The newest reading on disk after a power cut that may have cost readings; null otherwise.</param>
    /// <param name="PossibleLossStops">Such stops since the buffer was created, this one included.</param>
    public readonly record struct Previous(DateTimeOffset? PossibleLossAfter, long PossibleLossStops);

    /// <summary>Reads what the previous run left and marks this one running; before the first append.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static Previous Open(SegmentIndex index, BufferOptions options, ILogger logger)
    {
        var bootId = options.BootId ?? BootId.Current();
        var path = Path.Combine(index.Directory, FileName);
        DateTimeOffset? lossAfter = null;
        long stops = 0;
        if (File.Exists(path))
        {
            var data = File.ReadAllBytes(path);
            var intact = data.Length == Length && data.AsSpan(0, 4).SequenceEqual(Magic) && data[4] <= Version
                && BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Length - 4)) == Crc32.HashToUInt32(data.AsSpan(0, Length - 4));
            if (!intact)
            {
                // Torn or unknown: the previous run cannot be told clean; assume the worst.
                Log.DamagedStateFile(logger, path, "truncated, or bad magic, version or CRC");
                index.CountDamage();
            }

            var running = !intact || data[5] != 0;
            var previousBoot = intact ? new Guid(data.AsSpan(8, 16)) : Guid.Empty;
            var previousSyncInterval = intact ? TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(24))) : TimeSpan.MaxValue;
            stops = intact ? BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(32)) : 0;
            if (running && previousSyncInterval > TimeSpan.Zero && (bootId == Guid.Empty || previousBoot != bootId))
            {
                stops++;
                lossAfter = NewestReading(index);
                Log.PossibleLoss(logger, index.Directory, lossAfter, previousSyncInterval == TimeSpan.MaxValue ? options.SyncInterval : previousSyncInterval);
            }
            else if (running)
            {
                Log.UncleanStopNothingLost(logger, index.Directory);
            }
        }

        Write(path, running: true, bootId, options.SyncInterval, stops);
        return new Previous(lossAfter, stops);
    }

    /// <summary>Marks a clean stop; after the last fsync.</summary>
    public static void Stopped(string directory, BufferOptions options, long stops) =>
        Write(Path.Combine(directory, FileName), running: false, options.BootId ?? BootId.Current(), options.SyncInterval, stops);

    private static void Write(string path, bool running, Guid bootId, TimeSpan syncInterval, long stops)
    {
        Span<byte> data = stackalloc byte[Length];
        data.Clear();
        Magic.CopyTo(data);
        data[4] = Version;
        data[5] = running ? (byte)1 : (byte)0;
        bootId.TryWriteBytes(data[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(data[24..], syncInterval.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(data[32..], stops);
        BinaryPrimitives.WriteUInt32LittleEndian(data[(Length - 4)..], Crc32.HashToUInt32(data[..(Length - 4)]));
        DurableFile.Replace(path, data);
    }

    /// <summary>The time of the newest reading in the newest segment holding any (its records' first readings); null for none.</summary>
    private static DateTimeOffset? NewestReading(SegmentIndex index)
    {
        for (var segment = index.Segments.Count - 1; segment >= 0; segment--)
        {
            var records = index.Segments[segment];
            if (records.RecordCount == 0)
            {
                continue;
            }

            var newest = long.MinValue;
            for (var record = 0; record < records.RecordCount; record++)
            {
                newest = Math.Max(newest, records.FirstTicks(record));
            }

            return new DateTimeOffset(newest, TimeSpan.Zero);
        }

        return null;
    }
}
