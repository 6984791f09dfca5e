using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.Core;

namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// The values a payload holds as text or JSON scalars: numbers and booleans (also ON/OFF), Unix times and ISO 8601
/// dates, read without allocating; and the snippets that quote a bad value in a problem.
/// </summary>
internal static class PayloadScalars
{
    // Longer strings are not numbers, booleans or timestamps that a device sends; they are quoted in the problem instead.
    public const int MaxScalarBytes = 64;

    /// <summary>The raw text of the reader's current value, for a problem.</summary>
    public static string RawText(ref Utf8JsonReader reader) =>
        Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);

    public static bool TryReadStringScalar(ref Utf8JsonReader reader, ValueKind kind, out double value)
    {
        value = 0;
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxScalarBytes)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxScalarBytes];
        var text = buffer[..reader.CopyString(buffer)];
        return TryParseScalar(text, kind, out value);
    }

    /// <summary>A number, or for a boolean also ON/OFF and true/false in any case.</summary>
    public static bool TryParseScalar(ReadOnlySpan<byte> text, ValueKind kind, out double value)
    {
        text = text.Trim(" \t\r\n"u8);
        if (kind == ValueKind.Boolean)
        {
            if (Ascii.EqualsIgnoreCase(text, "on"u8) || Ascii.EqualsIgnoreCase(text, "true"u8))
            {
                value = 1;
                return true;
            }

            if (Ascii.EqualsIgnoreCase(text, "off"u8) || Ascii.EqualsIgnoreCase(text, "false"u8))
            {
                value = 0;
                return true;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    public static bool TryFromUnix(ref Utf8JsonReader reader, long ticksPerUnit, out DateTimeOffset instant)
    {
        instant = default;
        const long MaxUtcTicks = 3_155_378_975_999_999_999; // DateTimeOffset.MaxValue.UtcTicks
        long ticks;
        if (reader.TryGetInt64(out var whole))
        {
            // Integers in exact arithmetic: Unix milliseconds of today are beyond the 2^53 a double holds exactly once
            // multiplied into ticks.
            if (whole > (MaxUtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / ticksPerUnit || whole < -DateTimeOffset.UnixEpoch.UtcTicks / ticksPerUnit)
            {
                return false;
            }

            ticks = (whole * ticksPerUnit) + DateTimeOffset.UnixEpoch.UtcTicks;
        }
        else
        {
            if (!reader.TryGetDouble(out var units))
            {
                return false;
            }

            var exact = Math.Round(units * ticksPerUnit) + DateTimeOffset.UnixEpoch.UtcTicks;
            if (!double.IsFinite(exact) || exact < 0 || exact > MaxUtcTicks)
            {
                return false;
            }

            ticks = (long)exact;
        }

        instant = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    public static bool TryReadIsoTimestamp(ref Utf8JsonReader reader, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxScalarBytes)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxScalarBytes];
        var utf8 = bytes[..reader.CopyString(bytes)];
        Span<char> chars = stackalloc char[MaxScalarBytes];
        if (!Ascii.IsValid(utf8))
        {
            return false;
        }

        var text = chars[..Encoding.ASCII.GetChars(utf8, chars)];
        return TryParseIso(text, zone, out instant);
    }

    /// <summary>
    /// Reads <c>yyyy-MM-ddTHH:mm:ss[.fff][Z|±hh:mm]</c>. Without an offset the time is local to <paramref name="zone"/>;
    /// a time the clocks skip or repeat at a daylight saving change is read with the zone's standard offset.
    /// </summary>
    public static bool TryParseIso(ReadOnlySpan<char> text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length < 16 || text[4] != '-' || text[7] != '-' || text[10] is not ('T' or 't' or ' '))
        {
            return false;
        }

        var time = text[11..];
        var hasOffset = time[^1] is 'Z' or 'z' || time.IndexOfAny('+', '-') >= 0;
        if (hasOffset)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                return false;
            }

            instant = withOffset.ToUniversalTime();
            return true;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(local) || zone.IsAmbiguousTime(local) ? zone.BaseUtcOffset : zone.GetUtcOffset(local);
        instant = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    // Problems quote the offending text, shortened so that a huge payload does not flood a log.
    public static string Snippet(string? text)
    {
        const int MaxChars = 40;
        text ??= string.Empty;
        return text.Length <= MaxChars ? text : string.Concat(text.AsSpan(0, MaxChars), "…");
    }

    public static string Snippet(in ReadOnlySequence<byte> payload) =>
        Snippet(Encoding.UTF8.GetString(payload.Length <= 256 ? payload : payload.Slice(0, 256)).Trim());
}
