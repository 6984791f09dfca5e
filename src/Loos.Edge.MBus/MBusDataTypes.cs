namespace Loos.Edge.MBus;

/// <summary>The EN 13757-3 data types (annex A): integers, BCD, dates and text as the records carry them.</summary>
internal static class MBusDataTypes
{
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

    /// <summary>The number of characters <see cref="FormatText"/> writes for <paramref name="byteCount"/> bytes of <paramref name="kind"/>.</summary>
    internal static int TextLength(MBusTextKind kind, int byteCount) => kind switch
    {
        MBusTextKind.Date => 10,                    // yyyy-MM-dd
        MBusTextKind.DateTime or MBusTextKind.DateTimeWithSeconds => 19, // yyyy-MM-ddTHH:mm:ss
        MBusTextKind.ReversedHex or MBusTextKind.Hex => 2 * byteCount,
        MBusTextKind.ReversedText => byteCount,
        _ => 0,
    };

    /// <summary>Writes the text of <paramref name="raw"/> into <paramref name="destination"/>, exactly <see cref="TextLength"/> characters.</summary>
    internal static void FormatText(MBusTextKind kind, ReadOnlySpan<byte> raw, Span<char> destination)
    {
        switch (kind)
        {
            case MBusTextKind.Date:
                // Type G date: day bits 0–4, month in the second byte's low nibble, year split over both high parts.
                WriteDate(raw, destination);
                break;
            case MBusTextKind.DateTime:
                // Type F date and time: minute, hour, then a type G date.
                WriteDateTime(raw, second: 0, destination);
                break;
            case MBusTextKind.DateTimeWithSeconds:
                // Type I date and time: second, then a type F date and time.
                WriteDateTime(raw[1..], second: raw[0] & 0x3F, destination);
                break;
            case MBusTextKind.ReversedHex:
                for (var index = 0; index < raw.Length; index++)
                {
                    WriteHex(raw[raw.Length - 1 - index], destination[(2 * index)..]);
                }

                break;
            case MBusTextKind.Hex:
                for (var index = 0; index < raw.Length; index++)
                {
                    WriteHex(raw[index], destination[(2 * index)..]);
                }

                break;
            case MBusTextKind.ReversedText:
                for (var index = 0; index < raw.Length; index++)
                {
                    destination[index] = (char)raw[raw.Length - 1 - index];
                }

                break;
        }
    }

    /// <summary>The date and time of a type G, F or I value, as the meter's local time; false for other kinds and impossible dates.</summary>
    internal static bool TryGetDateTime(MBusTextKind kind, ReadOnlySpan<byte> raw, out DateTime local)
    {
        local = default;
        int second;
        ReadOnlySpan<byte> clock;
        switch (kind)
        {
            case MBusTextKind.DateTime:
                second = 0;
                clock = raw;
                break;
            case MBusTextKind.DateTimeWithSeconds:
                second = raw[0] & 0x3F;
                clock = raw[1..];
                break;
            case MBusTextKind.Date:
                second = 0;
                clock = [];
                break;
            default:
                return false;
        }

        var (minute, hour) = clock.IsEmpty ? (0, 0) : (clock[0] & 0x3F, clock[1] & 0x1F);
        var (year, month, day) = DateParts(clock.IsEmpty ? raw : clock[2..]);
        if (month is < 1 or > 12 || day < 1 || day > System.DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    private static void WriteDate(ReadOnlySpan<byte> raw, Span<char> destination)
    {
        var (year, month, day) = DateParts(raw);
        WriteDigits(year, 4, destination);
        destination[4] = '-';
        WriteDigits(month, 2, destination[5..]);
        destination[7] = '-';
        WriteDigits(day, 2, destination[8..]);
    }

    private static void WriteDateTime(ReadOnlySpan<byte> raw, int second, Span<char> destination)
    {
        WriteDate(raw[2..], destination);
        destination[10] = 'T';
        WriteDigits(raw[1] & 0x1F, 2, destination[11..]);
        destination[13] = ':';
        WriteDigits(raw[0] & 0x3F, 2, destination[14..]);
        destination[16] = ':';
        WriteDigits(second, 2, destination[17..]);
    }

    private static void WriteDigits(int value, int digits, Span<char> destination)
    {
        for (var index = digits - 1; index >= 0; index--)
        {
            destination[index] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    private static void WriteHex(byte value, Span<char> destination)
    {
        const string Digits = "0123456789ABCDEF";
        destination[0] = Digits[value >> 4];
        destination[1] = Digits[value & 0x0F];
    }

    private static (int Year, int Month, int Day) DateParts(ReadOnlySpan<byte> raw) =>
        (Century(((raw[0] & 0xE0) >> 5) | ((raw[1] & 0xF0) >> 1)), raw[1] & 0x0F, raw[0] & 0x1F);

    // A two-digit year: 00–80 is 2000–2080, 81–99 is 1981–1999 (the convention of meters without the century bits).
    private static int Century(int year) => year <= 80 ? 2000 + year : 1900 + year;

    /// <summary>Text sent last character first (plain-text VIF, LVAR text).</summary>
    internal static string ReversedText(ReadOnlySpan<byte> raw)
    {
        Span<char> text = stackalloc char[raw.Length];
        FormatText(MBusTextKind.ReversedText, raw, text);
        return new string(text);
    }

    /// <summary>Whether <paramref name="text"/> is <paramref name="raw"/> read last character first.</summary>
    internal static bool IsReversedText(ReadOnlySpan<byte> raw, string text)
    {
        if (text.Length != raw.Length)
        {
            return false;
        }

        for (var index = 0; index < raw.Length; index++)
        {
            if (text[index] != (char)raw[raw.Length - 1 - index])
            {
                return false;
            }
        }

        return true;
    }
}
