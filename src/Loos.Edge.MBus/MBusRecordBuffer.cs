namespace Loos.Edge.MBus;

/// <summary>
/// A reusable place to decode telegrams into (<see cref="MBusDecoder.Decode(ReadOnlySpan{byte}, MBusRecordBuffer)"/>):
/// the header and the records of each telegram of a readout, in order, and the bytes of the values that are not
/// numbers. Once it has grown to a meter's readout, decoding that meter again allocates nothing: quantities and units
/// are shared strings (a plain-text VIF's text is kept from one readout to the next), values are numbers, and text,
/// dates and hex stay bytes in the buffer. <see cref="Clear"/> starts a new readout; records read before it must not be
/// kept. Not thread-safe.
/// </summary>
public sealed class MBusRecordBuffer
{
    // A telegram carries at most 252 bytes of user data (EN 13757-2, L field up to 255 less C, A and CI).
    private const int TelegramDataBytes = 252;

    // Plain-text quantities kept between readouts; a meter sends a handful.
    private const int MaximumPlainTextQuantities = 32;

    private readonly List<string> plainTextQuantities = [];
    private MBusRecord[] records;
    private MBusTelegramHeader[] headers = new MBusTelegramHeader[1];
    private int[] firstRecords = new int[1];
    private byte[] valueBytes;
    private int recordCount;
    private int telegramCount;
    private int valueBytesUsed;

    /// <summary>A buffer with room for <paramref name="recordCapacity"/> records before it grows (64 by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="recordCapacity"/> is below 1.</exception>
    public MBusRecordBuffer(int recordCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordCapacity, 1);
        records = new MBusRecord[recordCapacity];
        valueBytes = new byte[TelegramDataBytes];
    }

    /// <summary>The records of every telegram decoded since <see cref="Clear"/>, in order, "more records follow" markers included.</summary>
    public ReadOnlySpan<MBusRecord> Records => records.AsSpan(0, recordCount);

    /// <summary>How many telegrams were decoded since <see cref="Clear"/>.</summary>
    public int TelegramCount => telegramCount;

    /// <summary>The header of the first telegram: identification, manufacturer, medium, status.</summary>
    /// <exception cref="InvalidOperationException">No telegram was decoded since <see cref="Clear"/>.</exception>
    public MBusTelegramHeader Header => telegramCount > 0 ? headers[0] : throw new InvalidOperationException("No telegram has been decoded into the buffer.");

    /// <summary>Whether the last telegram ends with the "more records follow" marker (DIF 0x1F).</summary>
    public bool MoreRecordsFollow => telegramCount > 0 && recordCount > firstRecords[telegramCount - 1] && records[recordCount - 1].Function == MBusFunction.MoreRecordsFollow;

    /// <summary>Whether the meter still said more records follow when the readout stopped at its telegram limit.</summary>
    public bool Truncated { get; set; }

    /// <summary>The header of telegram <paramref name="telegram"/> (0 is the first).</summary>
    public MBusTelegramHeader HeaderOf(int telegram)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)telegram, (uint)telegramCount, nameof(telegram));
        return headers[telegram];
    }

    /// <summary>The records of telegram <paramref name="telegram"/> (0 is the first).</summary>
    public ReadOnlySpan<MBusRecord> RecordsOf(int telegram)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)telegram, (uint)telegramCount, nameof(telegram));
        var end = telegram + 1 < telegramCount ? firstRecords[telegram + 1] : recordCount;
        return records.AsSpan(firstRecords[telegram], end - firstRecords[telegram]);
    }

    /// <summary>Forgets every telegram, keeping the room; records read before must not be used any more.</summary>
    public void Clear()
    {
        recordCount = 0;
        telegramCount = 0;
        valueBytesUsed = 0;
        Truncated = false;
    }

    /// <summary>Adds a telegram that <paramref name="header"/> starts; its records follow with <see cref="Add"/>.</summary>
    /// <remarks>Also for readers that make up telegrams (simulators, tests).</remarks>
    public void AddTelegram(MBusTelegramHeader header)
    {
        if (telegramCount == headers.Length)
        {
            Array.Resize(ref headers, 2 * headers.Length);
            Array.Resize(ref firstRecords, 2 * firstRecords.Length);
        }

        headers[telegramCount] = header;
        firstRecords[telegramCount] = recordCount;
        telegramCount++;
    }

    /// <summary>Adds a record to the last telegram.</summary>
    /// <exception cref="InvalidOperationException">No telegram was added since <see cref="Clear"/>.</exception>
    public void Add(in MBusRecord record)
    {
        if (telegramCount == 0)
        {
            throw new InvalidOperationException("Add a telegram before its records.");
        }

        if (recordCount == records.Length)
        {
            Array.Resize(ref records, 2 * records.Length);
        }

        records[recordCount++] = record;
    }

    /// <summary>Where the buffer stands, to go back to if a telegram turns out malformed half-way.</summary>
    internal (int Records, int Telegrams, int ValueBytes) Mark() => (recordCount, telegramCount, valueBytesUsed);

    internal void ResetTo((int Records, int Telegrams, int ValueBytes) mark) =>
        (recordCount, telegramCount, valueBytesUsed) = mark;

    /// <summary>A copy of <paramref name="bytes"/> that lives in the buffer until <see cref="Clear"/>.</summary>
    internal ReadOnlyMemory<byte> Keep(ReadOnlySpan<byte> bytes)
    {
        if (valueBytesUsed + bytes.Length > valueBytes.Length)
        {
            // The old array stays with the records that point into it; the new one serves from here on.
            valueBytes = new byte[Math.Max(2 * valueBytes.Length, bytes.Length)];
            valueBytesUsed = 0;
        }

        var kept = valueBytes.AsMemory(valueBytesUsed, bytes.Length);
        bytes.CopyTo(kept.Span);
        valueBytesUsed += bytes.Length;
        return kept;
    }

    /// <summary>The text of a plain-text VIF (sent last character first), the same string each time the meter sends it.</summary>
    internal string PlainTextQuantity(ReadOnlySpan<byte> reversed)
    {
        foreach (var known in plainTextQuantities)
        {
            if (MBusDataTypes.IsReversedText(reversed, known))
            {
                return known;
            }
        }

        var text = MBusDataTypes.ReversedText(reversed);
        if (plainTextQuantities.Count < MaximumPlainTextQuantities)
        {
            plainTextQuantities.Add(text);
        }

        return text;
    }
}
