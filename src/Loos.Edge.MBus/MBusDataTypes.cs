using System.Globalization;

namespace Loos.Edge.MBus;

/// <summary>The EN 13757-3 data types (annex A): integers, BCD, dates and text as the records carry them.</summary>
internal static class MBusDataTypes
{
    /// <summary>Bytes as hex, most significant (last) byte first.</summary>
    internal static string ReversedHex(ReadOnlySpan<byte> raw)
    {
        Span<byte> reversed = stackalloc byte[raw.Length];
        raw.CopyTo(reversed);
        reversed.Reverse();
        return Convert.ToHexString(reversed);
    }

    /// <summary>Type B: signed little-endian integer of 1 to 8 bytes.</summary>
    internal static long SignedInteger(ReadOnlySpan<byte> raw)
    {
        long value = 0;
        for (var index = raw.Length - 1; index >= 0; index--)
        {
            value = (value << 8) | raw[index];
        }

        var unused = 64 - (8 * raw.Length);
        return unused == 0 ? value : (value << unused) >> unused;
    }

    /// <summary>Type A: BCD, least significant byte first; 0xF in the top nibble means negative (EN 13757-3, BCD with hex codes).</summary>
    internal static double Bcd(ReadOnlySpan<byte> raw, out bool valid)
    {
        valid = true;
        long value = 0;
        var negative = false;
        for (var index = raw.Length - 1; index >= 0; index--)
        {
            var high = raw[index] >> 4;
            var low = raw[index] & 0x0F;
            if (index == raw.Length - 1 && high == 0xF)
            {
                negative = true;
                high = 0;
            }

            if (high > 9 || low > 9)
            {
                valid = false;
                return 0;
            }

            value = (value * 100) + (high * 10) + low;
        }

        return negative ? -value : value;
    }

    /// <summary>Type G date: day bits 0–4, month in the second byte's low nibble, year split over both high parts.</summary>
    internal static string DateG(ReadOnlySpan<byte> raw)
    {
        var (year, month, day) = DateParts(raw);
        return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
    }

    /// <summary>Type F date and time: minute, hour, then a type G date.</summary>
    internal static string DateTimeF(ReadOnlySpan<byte> raw) => DateTime(raw, second: 0);

    /// <summary>Type I date and time: second, then a type F date and time.</summary>
    internal static string DateTimeI(ReadOnlySpan<byte> raw) => DateTime(raw[1..], second: raw[0] & 0x3F);

    private static string DateTime(ReadOnlySpan<byte> raw, int second)
    {
        var minute = raw[0] & 0x3F;
        var hour = raw[1] & 0x1F;
        var (year, month, day) = DateParts(raw[2..]);
        return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}");
    }

    private static (int Year, int Month, int Day) DateParts(ReadOnlySpan<byte> raw) =>
        (Century(((raw[0] & 0xE0) >> 5) | ((raw[1] & 0xF0) >> 1)), raw[1] & 0x0F, raw[0] & 0x1F);

    // A two-digit year: 00–80 is 2000–2080, 81–99 is 1981–1999 (the convention of meters without the century bits).
    private static int Century(int year) => year <= 80 ? 2000 + year : 1900 + year;

    /// <summary>Text sent last character first (plain-text VIF, LVAR text).</summary>
    internal static string ReversedText(ReadOnlySpan<byte> raw)
    {
        Span<char> text = stackalloc char[raw.Length];
        for (var index = 0; index < raw.Length; index++)
        {
            text[index] = (char)raw[raw.Length - 1 - index];
        }

        return new string(text);
    }
}
