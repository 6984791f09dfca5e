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

/// <summary>The header of a decoded RSP_UD telegram, or the application error the device replied with, without its records.</summary>
public readonly record struct MBusTelegramHeader
{
    /// <summary>The C field.</summary>
    public byte Control { get; init; }

    /// <summary>The primary address (A field).</summary>
    public byte Address { get; init; }

    /// <summary>The CI field.</summary>
    public byte ControlInformation { get; init; }

    /// <summary>The manufacturer field (EN 13757-3, three letters of 5 bits), or null where the header carries none.</summary>
    public ushort? ManufacturerCode { get; init; }

    /// <summary>The identification number as sent (8 BCD digits read as hex), or null with a short header.</summary>
    public uint? IdentificationNumber { get; init; }

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

    /// <summary>The application error code of a CI 0x70 reply, else null.</summary>
    public byte? ErrorCode { get; init; }

    /// <summary>The three-letter manufacturer code; a new string on each read.</summary>
    public string? Manufacturer => ManufacturerCode is { } code ? MBusDecoder.Manufacturer(code) : null;

    /// <summary>The identification number as 8 digits (hex digits where a nibble is not BCD); a new string on each read.</summary>
    public string? Identification => IdentificationNumber?.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>The meaning of <see cref="ErrorCode"/>, e.g. "application busy".</summary>
    public string? Error => ErrorCode is { } code ? MBusTables.ApplicationErrorName(code) : null;
}

/// <summary>
/// A decoded RSP_UD telegram: the header and the records, or the application error the device replied with; a new object
/// per telegram (the gateway's polling decodes into an <see cref="MBusRecordBuffer"/> instead).
/// </summary>
public sealed class MBusTelegram
{
    /// <summary>The header, or the application error.</summary>
    public MBusTelegramHeader Header { get; init; }

    /// <summary>The records in frame order; idle fillers are skipped.</summary>
    public IReadOnlyList<MBusRecord> Records { get; init; } = [];

    /// <summary>The telegram of <paramref name="header"/> with a copy of <paramref name="records"/>.</summary>
    internal static MBusTelegram From(MBusTelegramHeader header, ReadOnlySpan<MBusRecord> records) => new() { Header = header, Records = records.ToArray() };
}
