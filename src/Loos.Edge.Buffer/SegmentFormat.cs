using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Buffer;

/// <summary>
/// The on-disk layout of segment files: a versioned contract, since a gateway upgraded or downgraded must
/// read what the previous version wrote.
/// </summary>
/// <remarks>
/// <para>
/// Header, 20 bytes. Its layout stays the same in every version, so that code meeting a newer segment can say
/// so instead of misreading it:
/// 0 magic "LEBS" (4) · 4 version (1) · 5 reserved, zero (3) · 8 segment number, int64 (8) · 16 CRC-32 of bytes 0..15 (4).
/// </para>
/// <para>
/// Record: 0 CRC-32 of bytes 4..end (4) · 4 marker 0xE7 (1) · 5 type (1) · 6 payload length, uint32 (4) · 10 payload.
/// The marker only speeds up resynchronisation after damage; the CRC decides.
/// </para>
/// <para>
/// Compact readings payload (type 5, version 2): uint32 count, int64 base UTC ticks, then readings of 3 to 25 bytes, each
/// decodable from its own offset with the record's header alone (see <see cref="CompactReadings"/>). The writer writes
/// only these.
/// </para>
/// <para>
/// Fixed readings payload (type 2, version 1): uint32 count, then per reading: int32 series id, int64 UTC ticks, float64
/// value, uint8 quality. Written by gateways of format version 1 and still read.
/// </para>
/// <para>
/// Series definition payload (type 1): int32 series id, uint8 value kind, string measurement, uint16 tag count,
/// tag count × (string key, string value), string field, string unit; a string is a uint16 byte length then UTF-8.
/// A series is defined in a segment before its first reading there, so every segment can be read on its own.
/// </para>
/// <para>
/// Delivery note payload (type 3): uint32 byte length of the records after it that hold the same append's definitions
/// and readings, then the note, opaque to the buffer (a source's record of the messages the readings came from).
/// It is written just before those records, in the same write, and counts only when all of them follow intact: a
/// note is never taken back without its readings. Readers of version 1 without it skip it.
/// </para>
/// <para>
/// Series flags payload (type 4): int32 series id, uint8 flags (bit 0: republished, see <see cref="SeriesKey.Republished"/>;
/// other bits zero). Written just before the definition of a series that has a flag set, and applies to that
/// definition only; a series without flags has none. Readers of version 1 without it skip it and read the series
/// without its flags.
/// </para>
/// <para>
/// All integers are little-endian; CRC-32 is the IEEE 802.3 polynomial (System.IO.Hashing.Crc32).
/// What forces a version bump: any change to the header, the record framing, an existing record type's payload,
/// or the CRC, or a new record type that older readers must not skip. Version 2 added the compact readings record:
/// a version 1 reader would skip its readings as unknown, so it refuses a version 2 segment instead.
/// </para>
/// </remarks>
internal static class SegmentFormat
{
    /// <summary>The first four bytes of every segment.</summary>
    public static ReadOnlySpan<byte> Magic => "LEBS"u8;

    /// <summary>The version this code writes, and the newest it reads.</summary>
    public const byte Version = 2;

    /// <summary>Magic, version, reserved bytes, segment number and CRC.</summary>
    public const int HeaderBytes = 20;

    /// <summary>CRC, marker, type and payload length.</summary>
    public const int RecordHeaderBytes = 10;

    public const byte RecordMarker = 0xE7;

    /// <summary>Record types: a series definition, fixed readings (version 1), a delivery note, a series' flags, compact readings.</summary>
    public const byte DefinitionRecord = 1, ReadingsRecord = 2, DeliveryNoteRecord = 3, SeriesFlagsRecord = 4, CompactReadingsRecord = 5;

    /// <summary>The series flags bit of <see cref="SeriesKey.Republished"/>.</summary>
    public const byte RepublishedFlag = 1;

    /// <summary>A series flags record: header, series id, flags.</summary>
    private const int SeriesFlagsRecordBytes = RecordHeaderBytes + 4 + 1;

    /// <summary>The length of the records a delivery note covers, before the note itself.</summary>
    public const int DeliveryNoteHeaderBytes = 4;

    /// <summary>A reading of a fixed readings record: series id, ticks, value, quality.</summary>
    public const int FixedReadingBytes = 4 + 8 + 8 + 1;

    /// <summary>Where the first reading of a fixed readings record starts, from the record start.</summary>
    public const int FixedFirstReadingOffset = RecordHeaderBytes + 4;

    /// <summary>The largest readings record: <see cref="SegmentedLog.MaxRecordReadings"/> of the largest readings.</summary>
    public const int MaxReadingsRecordBytes = CompactReadings.FirstReadingOffset + (SegmentedLog.MaxRecordReadings * CompactReadings.MaxReadingBytes);

    /// <summary>Larger lengths are not plausible and mark a damaged header: no segment may exceed 1 GiB (see BufferOptions).</summary>
    public const int MaxPayloadBytes = 1 << 30;

    /// <summary>Creates segment <paramref name="number"/> at <paramref name="path"/> with its header, durably (file and directory fsynced).</summary>
    /// <exception cref="IOException">The file exists or cannot be written; nothing is left behind.</exception>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateFile(string path, long number)
    {
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(handle, DurableFile.PrivateFileMode);
            }

            Span<byte> header = stackalloc byte[HeaderBytes];
            WriteHeader(header, number);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
            return handle;
        }
        catch
        {
            handle.Dispose();

            // A segment without its header would block this number for good (CreateNew) and read as damage.
            try
            {
                File.Delete(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    public static string FileName(long segmentNumber) => segmentNumber.ToString("D8", CultureInfo.InvariantCulture) + ".seg";

    /// <summary>The segment number of a file named like <c>00000012.seg</c>, or false for any other file.</summary>
    public static bool TryParseFileName(string fileName, out long segmentNumber)
    {
        segmentNumber = 0;
        return fileName.Length == 12
            && fileName.EndsWith(".seg", StringComparison.Ordinal)
            && fileName.AsSpan(0, 8).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(fileName.AsSpan(0, 8), NumberStyles.None, CultureInfo.InvariantCulture, out segmentNumber)
            && segmentNumber > 0;
    }

    public static void WriteHeader(Span<byte> destination, long segmentNumber, byte version = Version)
    {
        Magic.CopyTo(destination);
        destination[4] = version;
        destination[5..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], segmentNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Crc32.HashToUInt32(destination[..16]));
    }

    /// <summary>Checks a header; a valid header with a version newer than <see cref="Version"/> is refused.</summary>
    /// <exception cref="InvalidDataException">The header is intact but written by a newer format version.</exception>
    public static HeaderState ReadHeader(ReadOnlySpan<byte> header, string path)
    {
        if (header.Length < HeaderBytes)
        {
            return HeaderState.Truncated;
        }

        if (!header[..4].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Crc32.HashToUInt32(header[..16]))
        {
            return HeaderState.Damaged;
        }

        if (header[4] > Version)
        {
            throw new InvalidDataException(
                $"Buffer segment '{path}' has format version {header[4]}, but this gateway reads format version {Version} at most; "
                + "it was written by a newer gateway. Upgrade the gateway, or move the segment away to discard its readings.");
        }

        return header[4] == 0 ? HeaderState.Damaged : HeaderState.Valid;
    }

    /// <summary>The total length of the valid record at the start of <paramref name="data"/>, or 0 when none starts there.</summary>
    public static int TryReadRecord(ReadOnlySpan<byte> data, out byte type)
    {
        type = 0;
        if (data.Length < RecordHeaderBytes || data[4] != RecordMarker)
        {
            return 0;
        }

        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(data[6..]);
        if (payloadLength > MaxPayloadBytes || payloadLength > data.Length - RecordHeaderBytes)
        {
            return 0;
        }

        var length = RecordHeaderBytes + (int)payloadLength;
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Crc32.HashToUInt32(data[4..length]))
        {
            return 0;
        }

        type = data[5];
        if ((type == ReadingsRecord
                && (payloadLength < 4 || (payloadLength - 4) % FixedReadingBytes != 0
                    || BinaryPrimitives.ReadUInt32LittleEndian(data[RecordHeaderBytes..]) != (payloadLength - 4) / FixedReadingBytes))
            || (type == CompactReadingsRecord && !CompactReadings.IsWellFormed(data[..length])))
        {
            // A CRC-valid record whose shape does not add up was written by a defect; treat it as damage.
            return 0;
        }

        return length;
    }

    public static bool IsReadings(byte type) => type is ReadingsRecord or CompactReadingsRecord;

    /// <summary>Where the first reading of a readings record of <paramref name="type"/> starts, from the record start.</summary>
    public static int FirstReadingOffset(byte type) => type == CompactReadingsRecord ? CompactReadings.FirstReadingOffset : FixedFirstReadingOffset;

    /// <summary>Fills in the marker, type, length and CRC of a record whose payload is already in place.</summary>
    public static void SealRecord(Span<byte> record, byte type)
    {
        record[4] = RecordMarker;
        record[5] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(record[6..], (uint)(record.Length - RecordHeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(record, Crc32.HashToUInt32(record[4..]));
    }

    /// <summary>The readings a valid readings record of either type holds (both keep a uint32 count first).</summary>
    public static int ReadingsCount(ReadOnlySpan<byte> record) => (int)BinaryPrimitives.ReadUInt32LittleEndian(record[RecordHeaderBytes..]);

    /// <summary>
    /// Decodes the reading at <paramref name="at"/> (from the record start, a reading boundary) of a valid readings record
    /// of <paramref name="type"/>; returns its length, 0 when it does not fit.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int ReadReading(ReadOnlySpan<byte> record, byte type, int at, out int seriesId, out long ticks, out double value, out Quality quality)
    {
        if (type == CompactReadingsRecord)
        {
            return CompactReadings.Read(record[at..], CompactReadings.BaseTicks(record), out seriesId, out ticks, out value, out quality);
        }

        var reading = record[at..];
        if (reading.Length < FixedReadingBytes)
        {
            (seriesId, ticks, value, quality) = (0, 0, 0, 0);
            return 0;
        }

        seriesId = BinaryPrimitives.ReadInt32LittleEndian(reading);
        ticks = BinaryPrimitives.ReadInt64LittleEndian(reading[4..]);
        value = BinaryPrimitives.ReadDoubleLittleEndian(reading[12..]);
        quality = (Quality)reading[20];
        return FixedReadingBytes;
    }

    /// <summary>The index of the reading starting at <paramref name="at"/> (from the record start) of a valid readings record, or -1 when none starts there.</summary>
    public static int ReadingIndexAt(ReadOnlySpan<byte> record, byte type, long at)
    {
        if (type == CompactReadingsRecord)
        {
            return CompactReadings.IndexAt(record, at);
        }

        var index = (at - FixedFirstReadingOffset) / FixedReadingBytes;
        return at >= FixedFirstReadingOffset && (at - FixedFirstReadingOffset) % FixedReadingBytes == 0 && index < ReadingsCount(record) ? (int)index : -1;
    }

    /// <summary>The bytes the definition of <paramref name="key"/> takes: its flags record if any and its definition record.</summary>
    public static int DefinitionRecordBytes(SeriesKey key)
    {
        var length = (key.Republished ? SeriesFlagsRecordBytes : 0) + RecordHeaderBytes + 4 + 1 + 2 + StringBytes(key.Measurement) + StringBytes(key.Field) + StringBytes(key.Unit);
        foreach (var tag in key.Tags)
        {
            length += StringBytes(tag.Key) + StringBytes(tag.Value);
        }

        return length;
    }

    /// <summary>Writes a whole definition, flags record first; <paramref name="record"/> is exactly <see cref="DefinitionRecordBytes"/> long.</summary>
    public static void WriteDefinition(Span<byte> record, int seriesId, SeriesKey key)
    {
        if (key.Republished)
        {
            var flags = record[..SeriesFlagsRecordBytes];
            BinaryPrimitives.WriteInt32LittleEndian(flags[RecordHeaderBytes..], seriesId);
            flags[RecordHeaderBytes + 4] = RepublishedFlag;
            SealRecord(flags, SeriesFlagsRecord);
            record = record[SeriesFlagsRecordBytes..];
        }

        var payload = record[RecordHeaderBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(payload, seriesId);
        payload[4] = (byte)key.Kind;
        var at = 5;
        at += WriteString(payload[at..], key.Measurement);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[at..], (ushort)key.Tags.Length);
        at += 2;
        foreach (var tag in key.Tags)
        {
            at += WriteString(payload[at..], tag.Key);
            at += WriteString(payload[at..], tag.Value);
        }

        at += WriteString(payload[at..], key.Field);
        WriteString(payload[at..], key.Unit);
        SealRecord(record, DefinitionRecord);
    }

    /// <summary>The series id and flags of a series flags record, or false when its payload does not add up.</summary>
    public static bool TryReadSeriesFlags(ReadOnlySpan<byte> payload, out int seriesId, out byte flags)
    {
        var valid = payload.Length == 5;
        seriesId = valid ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
        flags = valid ? payload[4] : (byte)0;
        return valid;
    }

    /// <summary>
    /// Parses a definition payload, with the series flags record just before it if any (<paramref name="flagsBefore"/>,
    /// applied when it names the same series); false when it does not add up (a defect, handled as damage).
    /// </summary>
    public static bool TryReadDefinition(ReadOnlySpan<byte> payload, (int SeriesId, byte Flags)? flagsBefore, out int seriesId, out SeriesKey? key)
    {
        seriesId = 0;
        key = null;
        try
        {
            seriesId = BinaryPrimitives.ReadInt32LittleEndian(payload);
            var kind = (ValueKind)payload[4];
            var at = 5;
            var measurement = ReadString(payload, ref at);
            int tagCount = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
            at += 2;
            var tags = new Tag[tagCount];
            for (var i = 0; i < tagCount; i++)
            {
                var tagKey = ReadString(payload, ref at);
                tags[i] = new Tag(tagKey, ReadString(payload, ref at));
            }

            var field = ReadString(payload, ref at);
            var unit = ReadString(payload, ref at);
            var flags = flagsBefore is { } before && before.SeriesId == seriesId ? before.Flags : 0;
            key = new SeriesKey(measurement, tags, field, unit, kind, republished: (flags & RepublishedFlag) != 0);
            return at == payload.Length;
        }
        catch (Exception exception) when (exception is ArgumentException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int StringBytes(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > ushort.MaxValue)
        {
            throw new ArgumentException($"A series name part is longer than {ushort.MaxValue} bytes: '{text[..40]}…'.");
        }

        return 2 + bytes;
    }

    private static int WriteString(Span<byte> destination, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, destination[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)written);
        return 2 + written;
    }

    private static string ReadString(ReadOnlySpan<byte> payload, ref int at)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
        var text = Encoding.UTF8.GetString(payload.Slice(at + 2, length));
        at += 2 + length;
        return text;
    }
}

internal enum HeaderState
{
    Valid,
    Damaged,
    Truncated,
}
