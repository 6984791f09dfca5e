using System.Globalization;
using System.Text;
using Loos.Edge.Forwarding.LineProtocol;

namespace Loos.Edge.Forwarding.Tests.LineProtocol;

public sealed class ShortDecimalTests
{
    [Theory]
    [InlineData(1000.5, "1000.5")]
    [InlineData(-0.25, "-0.25")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(42.0, "42")]
    [InlineData(999999999999999.0, "999999999999999")]
    [InlineData(123456.789012, "123456.789012")]
    public void TryFormat_ShortDecimal_WritesTheShortestText(double value, string expected)
    {
        Assert.True(ShortDecimal.TryFormat(value, new byte[32], out _));
        Assert.Equal(expected, Format(value));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.00001)]
    [InlineData(1e15)]
    [InlineData(0.30000000000000004)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TryFormat_ValueOutsideItsRange_LeavesItToTheGeneralFormatter(double value)
    {
        Assert.False(ShortDecimal.TryFormat(value, new byte[32], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TryFormat_RandomMeterValues_MatchTheRoundTripFormatOfTheRuntime()
    {
        // Readings as meters send them (a few decimals over many magnitudes) and arbitrary doubles: whatever the fast
        // path takes, it must write what "R" writes, so the value reads back unchanged.
        var random = new Random(16);
        var taken = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var value = (i % 3) switch
            {
                0 => Math.Round((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-4, 15)), random.Next(0, 7)),
                1 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                _ => random.Next(-1_000_000, 1_000_000) / Math.Pow(10, random.Next(0, 13)),
            };
            var bytes = new byte[32];
            if (!ShortDecimal.TryFormat(value, bytes, out var written))
            {
                continue;
            }

            taken++;
            var text = Encoding.ASCII.GetString(bytes, 0, written);
            Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), text);
            Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
        }

        Assert.True(taken > 100_000, $"only {taken} values took the fast path");
    }

    private static string Format(double value)
    {
        var bytes = new byte[32];
        Assert.True(ShortDecimal.TryFormat(value, bytes, out var written));
        return Encoding.ASCII.GetString(bytes, 0, written);
    }
}
