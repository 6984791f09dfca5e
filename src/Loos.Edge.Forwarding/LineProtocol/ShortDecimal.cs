using System.Runtime.CompilerServices;

namespace Loos.Edge.Forwarding.LineProtocol;

/// <summary>
/// Formats the doubles most readings are, short decimals such as 1000.5 or 0.25, as the "R" format does but without the
/// general formatter (which takes several times as long).
/// </summary>
internal static class ShortDecimal
{
    /// <summary>The most decimals written; a value that needs more is left to the general formatter.</summary>
    public const int MaxDecimals = 12;

    // 2^53: every integer up to it is exact in a double.
    private const double MaxExactInteger = 9007199254740992;

    // Exact as doubles (every power of ten up to 10^22 is).
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

    /// <summary>
    /// Writes a value of 1e-4 to 1e15 in magnitude (where "R" writes no exponent) with at most <see cref="MaxDecimals"/>
    /// decimals: the fewest decimals k whose digits m = round(|value| · 10^k) give the value back as m / 10^k. That is
    /// exactly what parsing the text computes (m and 10^k are exact doubles, the division correctly rounded), so the
    /// text reads back as the same double. False, having written nothing, for any other value.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="destination">At least 32 bytes.</param>
    /// <param name="written">The bytes written.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e15))
        {
            return false;
        }

        for (var decimals = 0; decimals <= MaxDecimals; decimals++)
        {
            var scale = PowersOfTen[decimals];
            var scaled = Math.Round(magnitude * scale);
            if (scaled > MaxExactInteger)
            {
                return false;
            }

            if (scaled / scale == magnitude)
            {
                written = Write(value < 0, (ulong)scaled, decimals, destination);
                return true;
            }
        }

        return false;
    }

    private static int Write(bool negative, ulong digits, int decimals, Span<byte> destination)
    {
        // From the right: the decimals, the point, then the integer part (at least "0").
        Span<byte> text = stackalloc byte[32];
        var position = text.Length;
        for (var i = 0; i < decimals; i++)
        {
            text[--position] = (byte)('0' + (digits % 10));
            digits /= 10;
        }

        if (decimals > 0)
        {
            text[--position] = (byte)'.';
        }

        do
        {
            text[--position] = (byte)('0' + (digits % 10));
            digits /= 10;
        }
        while (digits != 0);

        if (negative)
        {
            text[--position] = (byte)'-';
        }

        text[position..].CopyTo(destination);
        return text.Length - position;
    }
}
