namespace Loos.Edge.MBus;

/// <summary>The value function of a data record (EN 13757-3 DIF bits 4–5), or the marker of a manufacturer-specific tail.</summary>
public enum MBusFunction
{
    /// <summary>Instantaneous value (DIF function 00b).</summary>
    Instantaneous,

    /// <summary>Maximum value (01b).</summary>
    Maximum,

    /// <summary>Minimum value (10b).</summary>
    Minimum,

    /// <summary>Value during error state (11b).</summary>
    ErrorState,

    /// <summary>The manufacturer-specific data after DIF 0x0F.</summary>
    ManufacturerSpecific,

    /// <summary>The manufacturer-specific data after DIF 0x1F: more records follow in the next telegram.</summary>
    MoreRecordsFollow,

    /// <summary>A counter of the fixed data structure (CI 0x73).</summary>
    Actual,
}

/// <summary>One data record, its value normalised: energy Wh, volume m³, power W, volume flow m³/h, mass kg, °C, K, s.</summary>
public sealed class MBusRecord
{
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

    /// <summary>Dates (ISO 8601), text strings, and binary or manufacturer data as hex; null for numbers.</summary>
    public string? Text { get; init; }

    /// <summary>Offset of the record's DIF in the frame.</summary>
    public int Offset { get; init; }
}

/// <summary>A decoded RSP_UD telegram: the header and the records, or the application error the device replied with.</summary>
public sealed class MBusTelegram
{
    /// <summary>The C field.</summary>
    public byte Control { get; init; }

    /// <summary>The primary address (A field).</summary>
    public byte Address { get; init; }

    /// <summary>The CI field.</summary>
    public byte ControlInformation { get; init; }

    /// <summary>The three-letter manufacturer code (EN 13757-3 manufacturer field), or null where the header carries none.</summary>
    public string? Manufacturer { get; init; }

    /// <summary>The identification number as 8 digits (hex digits where a nibble is not BCD), or null with a short header.</summary>
    public string? Identification { get; init; }

    /// <summary>The version (generation) byte.</summary>
    public byte? Version { get; init; }

    /// <summary>The medium code (EN 13757-3 device type identification).</summary>
    public byte? MediumCode { get; init; }

    /// <summary>The medium's name, e.g. "heat (outlet)".</summary>
    public string? Medium { get; init; }

    /// <summary>The access number.</summary>
    public byte? AccessNumber { get; init; }

    /// <summary>The status byte.</summary>
    public byte? Status { get; init; }

    /// <summary>The signature (configuration) field.</summary>
    public ushort? Signature { get; init; }

    /// <summary>The records in frame order; idle fillers are skipped.</summary>
    public IReadOnlyList<MBusRecord> Records { get; init; } = [];

    /// <summary>The application error code of a CI 0x70 reply, else null.</summary>
    public byte? ErrorCode { get; init; }

    /// <summary>The meaning of <see cref="ErrorCode"/>, e.g. "application busy".</summary>
    public string? Error => ErrorCode is { } code ? MBusTables.ApplicationErrorName(code) : null;
}
