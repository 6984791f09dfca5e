using System.Diagnostics.CodeAnalysis;

namespace Loos.Edge.MBus.Master;

/// <summary>
/// A secondary address or selection mask (EN 13757-3, selection with SND_UD, CI 0x52): the 8-digit identification
/// number, most significant digit first, where <c>F</c> (or <c>*</c>) matches any digit, and optionally the
/// manufacturer, version and medium (each a wildcard when absent).
/// </summary>
public readonly record struct MBusSecondaryAddress
{
    /// <summary>The selection matching every meter.</summary>
    public static MBusSecondaryAddress Everyone { get; } = new("FFFFFFFF", null, null, null);

    private MBusSecondaryAddress(string identification, string? manufacturer, byte? version, byte? medium)
    {
        Identification = identification;
        Manufacturer = manufacturer;
        Version = version;
        Medium = medium;
    }

    /// <summary>The 8 identification digits, most significant first, <c>F</c> for a wildcard digit.</summary>
    public string Identification { get; }

    /// <summary>The three-letter manufacturer code, or null for any.</summary>
    public string? Manufacturer { get; }

    /// <summary>The version byte, or null for any.</summary>
    public byte? Version { get; }

    /// <summary>The medium code, or null for any.</summary>
    public byte? Medium { get; }

    /// <summary>Whether some digit is a wildcard.</summary>
    public bool HasWildcards => Identification.Contains('F', StringComparison.Ordinal);

    /// <summary>A fully specified identification number.</summary>
    public static MBusSecondaryAddress ForMeter(string identification, string? manufacturer = null, byte? version = null, byte? medium = null) =>
        TryParse(identification, out var address, out var error) && !address.HasWildcards
            ? new MBusSecondaryAddress(address.Identification, manufacturer, version, medium)
            : throw new ArgumentException(error ?? $"'{identification}' has wildcard digits; a meter's identification has none.", nameof(identification));

    /// <summary>
    /// Parses <c>12345678</c> (8 digits, <c>F</c> or <c>*</c> for any digit), optionally followed by
    /// <c>:MAN</c>, <c>:MAN:VERSION</c>, <c>:MAN:VERSION:MEDIUM</c> (version and medium as decimal numbers,
    /// <c>*</c> for any).
    /// </summary>
    public static bool TryParse(string text, out MBusSecondaryAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        var parts = text.Trim().Split(':');
        var digits = parts[0].ToUpperInvariant().Replace('*', 'F');
        if (digits.Length != 8 || !digits.All(c => c is (>= '0' and <= '9') or 'F'))
        {
            error = $"'{parts[0]}' is not 8 identification digits (0-9, F or * for any digit)";
            return false;
        }

        string? manufacturer = null;
        byte? version = null;
        byte? medium = null;
        if (parts.Length > 4)
        {
            error = $"'{text}' has more than ID:MAN:VERSION:MEDIUM";
            return false;
        }

        if (parts.Length > 1 && parts[1] != "*")
        {
            manufacturer = parts[1].ToUpperInvariant();
            if (manufacturer.Length != 3 || !manufacturer.All(c => c is >= 'A' and <= 'Z'))
            {
                error = $"manufacturer '{parts[1]}' is not three letters";
                return false;
            }
        }

        if (parts.Length > 2 && !TryParseByte(parts[2], "version", out version, out error))
        {
            return false;
        }

        if (parts.Length > 3 && !TryParseByte(parts[3], "medium", out medium, out error))
        {
            return false;
        }

        address = new MBusSecondaryAddress(digits, manufacturer, version, medium);
        error = null;
        return true;
    }

    /// <summary>The same selection with the identification digit at <paramref name="position"/> (0 = most significant) set.</summary>
    internal MBusSecondaryAddress WithDigit(int position, int digit)
    {
        var digits = Identification.ToCharArray();
        digits[position] = (char)('0' + digit);
        return new MBusSecondaryAddress(new string(digits), Manufacturer, Version, Medium);
    }

    /// <summary>The 8 bytes of the selection's user data: identification (BCD, least significant byte first), manufacturer, version, medium.</summary>
    internal void WriteSelection(Span<byte> destination)
    {
        for (var i = 0; i < 4; i++)
        {
            // Byte 0 holds the two least significant digits: Identification[6] (high nibble) and [7] (low nibble).
            var high = Nibble(Identification[6 - (2 * i)]);
            var low = Nibble(Identification[7 - (2 * i)]);
            destination[i] = (byte)((high << 4) | low);
        }

        var manufacturerCode = Manufacturer is null ? (ushort)0xFFFF : MBusDecoder.ManufacturerCode(Manufacturer);
        destination[4] = (byte)manufacturerCode;
        destination[5] = (byte)(manufacturerCode >> 8);
        destination[6] = Version ?? 0xFF;
        destination[7] = Medium ?? 0xFF;
    }

    public override string ToString()
    {
        if (Manufacturer is null && Version is null && Medium is null)
        {
            return Identification;
        }

        return $"{Identification}:{Manufacturer ?? "*"}:{Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"}:{Medium?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"}";
    }

    private static int Nibble(char digit) => digit == 'F' ? 0xF : digit - '0';

    private static bool TryParseByte(string text, string name, out byte? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (text == "*")
        {
            return true;
        }

        if (!byte.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            error = $"{name} '{text}' is not a number 0-255 or *";
            return false;
        }

        value = parsed;
        return true;
    }
}
