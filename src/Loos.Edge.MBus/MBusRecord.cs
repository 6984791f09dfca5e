namespace Loos.Edge.MBus;

/// <summary>How the bytes of a record that is not a number are shown as text.</summary>
public enum MBusTextKind : byte
{
    /// <summary>No text: a number, or no value at all.</summary>
    None,

    /// <summary>Type G date (2 bytes), shown as <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary>Type F date and time (4 bytes), shown as <c>yyyy-MM-ddTHH:mm:00</c>.</summary>
    DateTime,

    /// <summary>Type I date and time with seconds (6 bytes), shown as <c>yyyy-MM-ddTHH:mm:ss</c>.</summary>
    DateTimeWithSeconds,

    /// <summary>Hex, most significant (last) byte first: BCD fields holding hex codes, binary numbers over 8 bytes.</summary>
    ReversedHex,

    /// <summary>Hex in frame order: the manufacturer-specific data after DIF 0x0F or 0x1F.</summary>
    Hex,

    /// <summary>8-bit text sent last character first (LVAR text).</summary>
    ReversedText,
}

/// <summary>
/// One data record, its value normalised: energy Wh, volume m³, power W, volume flow m³/h, mass kg, °C, K, s. Quantity
/// and unit are shared strings; a value that is not a number keeps its bytes (<see cref="RawText"/>), which
/// <see cref="Text"/> formats on each read and <see cref="TryFormatText"/> and <see cref="TryGetDateTime"/> read
/// without a new string. A record decoded into an <see cref="MBusRecordBuffer"/> is valid until that buffer is cleared.
/// </summary>
public readonly record struct MBusRecord
{
    /// <summary>An empty record: no quantity, no unit, no value.</summary>
    public MBusRecord()
    {
    }

    /// <summary>The value function.</summary>
    public MBusFunction Function { get; init; }

    /// <summary>The storage number (DIF bit 6 and the DIFE storage bits).</summary>
    public long Storage { get; init; }

    /// <summary>The tariff (DIFE bits 4–5).</summary>
    public int Tariff { get; init; }

    /// <summary>The subunit (DIFE bit 6).</summary>
    public int Subunit { get; init; }

    /// <summary>Number of DIFE bytes; tariff and subunit are only sent when it is above 0.</summary>
    public int DifeCount { get; init; }

    /// <summary>The quantity, e.g. "energy", "flowTemperature"; a plain-text VIF gives its own text; empty for a tail.</summary>
    public string Quantity { get; init; } = string.Empty;

    /// <summary>The unit after normalisation, e.g. "Wh", "m³", "°C"; empty when there is none.</summary>
    public string Unit { get; init; } = string.Empty;

    /// <summary>The numeric value after scaling and normalisation, or null for text, dates and binary data.</summary>
    public double? Value { get; init; }

    /// <summary>How <see cref="RawText"/> reads as text; <see cref="MBusTextKind.None"/> for numbers and records without a value.</summary>
    public MBusTextKind TextKind { get; init; }

    /// <summary>The bytes of a value that is not a number, as sent; empty for numbers.</summary>
    public ReadOnlyMemory<byte> RawText { get; init; }

    /// <summary>Offset of the record's DIF in the frame.</summary>
    public int Offset { get; init; }

    /// <summary>Dates (ISO 8601), text strings, and binary or manufacturer data as hex; null for numbers. A new string on each read.</summary>
    public string? Text => TextKind == MBusTextKind.None
        ? null
        : string.Create(TextLength, this, static (destination, record) => MBusDataTypes.FormatText(record.TextKind, record.RawText.Span, destination));

    /// <summary>The number of characters of <see cref="Text"/>; 0 without text.</summary>
    public int TextLength => MBusDataTypes.TextLength(TextKind, RawText.Length);

    /// <summary>Writes <see cref="Text"/> into <paramref name="destination"/>; false when there is no text or no room.</summary>
    public bool TryFormatText(Span<char> destination, out int charsWritten)
    {
        charsWritten = TextLength;
        if (TextKind == MBusTextKind.None || destination.Length < charsWritten)
        {
            charsWritten = 0;
            return false;
        }

        MBusDataTypes.FormatText(TextKind, RawText.Span, destination[..charsWritten]);
        return true;
    }

    /// <summary>The local date and time of a type F or I record (a type G date at midnight); false for other records and impossible dates.</summary>
    public bool TryGetDateTime(out DateTime local) => MBusDataTypes.TryGetDateTime(TextKind, RawText.Span, out local);
}
