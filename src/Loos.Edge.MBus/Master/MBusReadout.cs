namespace Loos.Edge.MBus.Master;

/// <summary>Which meter a request goes to: a primary address (0–250) or a secondary address (selected through address 253).</summary>
public readonly record struct MBusMeterAddress
{
    private MBusMeterAddress(byte? primary, MBusSecondaryAddress? secondary)
    {
        PrimaryAddress = primary;
        SecondaryAddress = secondary;
    }

    /// <summary>The primary address, or null for a meter addressed by its secondary address.</summary>
    public byte? PrimaryAddress { get; }

    /// <summary>The secondary address, or null for a meter addressed by its primary address.</summary>
    public MBusSecondaryAddress? SecondaryAddress { get; }

    /// <summary>A meter at primary address 0–250, or 254 (the one meter on a point-to-point line).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The address is 251–253 or 255.</exception>
    public static MBusMeterAddress Primary(byte address) =>
        address <= MBusMaster.LastPrimaryAddress || address == MBusMaster.TestAddress
            ? new MBusMeterAddress(address, null)
            : throw new ArgumentOutOfRangeException(nameof(address), address, "A meter's primary address is 0-250, or 254 for the only meter on the line.");

    /// <summary>A meter selected by its secondary address, without wildcards.</summary>
    /// <exception cref="ArgumentException">The address has wildcard digits.</exception>
    public static MBusMeterAddress Secondary(MBusSecondaryAddress address) =>
        address.HasWildcards
            ? throw new ArgumentException($"Secondary address {address} has wildcard digits; reading needs one meter.", nameof(address))
            : new MBusMeterAddress(null, address);

    public override string ToString() => PrimaryAddress is { } primary ? $"primary address {primary}" : $"secondary address {SecondaryAddress}";
}

/// <summary>What a meter sent in one readout: every telegram, decoded, with the raw frames.</summary>
public sealed class MBusReadout
{
    /// <summary>The telegrams in the order read; more than one when the meter said more records follow.</summary>
    public required IReadOnlyList<MBusTelegram> Telegrams { get; init; }

    /// <summary>The first telegram: the header (identification, manufacturer, medium, status).</summary>
    public MBusTelegram First => Telegrams[0];

    /// <summary>The data records of every telegram, in order, without the "more records follow" markers.</summary>
    public IEnumerable<MBusRecord> Records => Telegrams.SelectMany(t => t.Records).Where(r => r.Function != MBusFunction.MoreRecordsFollow);

    /// <summary>Whether the meter still said more records follow when the readout stopped at the telegram limit.</summary>
    public bool Truncated { get; init; }
}

/// <summary>A meter found by a scan.</summary>
/// <param name="PrimaryAddress">The primary address it answered on (primary scan), else its own primary address from the reply.</param>
/// <param name="Identification">The 8-digit identification number, when its reply could be read.</param>
/// <param name="Manufacturer">The manufacturer code, when its reply could be read.</param>
/// <param name="Version">The version byte.</param>
/// <param name="Medium">The medium's name.</param>
/// <param name="Problem">Why the meter's details are missing (collision, invalid reply), else null.</param>
public sealed record MBusFoundMeter(byte? PrimaryAddress, string? Identification, string? Manufacturer, byte? Version, string? Medium, string? Problem = null);

/// <summary>How far a scan has come.</summary>
/// <param name="Fraction">0 to 1.</param>
/// <param name="Probing">The address or mask being probed, e.g. "primary 17" or "1234FFFF".</param>
/// <param name="Found">Meters found so far.</param>
public readonly record struct MBusScanProgress(double Fraction, string Probing, int Found);

/// <summary>What a selection with SND_UD got back.</summary>
public enum MBusSelection
{
    /// <summary>No meter answered: none matches.</summary>
    None,

    /// <summary>One acknowledgement: exactly one meter matches and is selected.</summary>
    Selected,

    /// <summary>A garbled or multiple acknowledgement: several meters match.</summary>
    Collision,
}
