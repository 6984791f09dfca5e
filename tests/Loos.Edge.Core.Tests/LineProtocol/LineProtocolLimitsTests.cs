using System.Text;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Core.Tests.LineProtocol;

/// <summary>What InfluxDB would refuse after the gateway said "stored" is refused by the parser, naming the line.</summary>
public sealed class LineProtocolLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly SeriesCatalog catalog = new();

    private LineProtocolError ParseError(string body, LineProtocolPrecision precision = LineProtocolPrecision.Nanoseconds)
    {
        var readings = new List<Reading>();
        var ok = new LineProtocolParser(catalog).TryParse(Encoding.UTF8.GetBytes(body), precision, Now, readings, out var error);
        Assert.False(ok, "the body was accepted");
        Assert.Empty(readings);
        return error!;
    }

    private List<Reading> Parse(string body, LineProtocolPrecision precision = LineProtocolPrecision.Nanoseconds)
    {
        var readings = new List<Reading>();
        var ok = new LineProtocolParser(catalog).TryParse(Encoding.UTF8.GetBytes(body), precision, Now, readings, out var error);
        Assert.True(ok, error?.ToString());
        return readings;
    }

    [Fact]
    public void TryParse_MeasurementOf100000Characters_IsRefusedNamingTheLineAndTheLimit()
    {
        var error = ParseError($"m v=1\n{new string('x', 100_000)} v=1\n");

        Assert.Equal(2, error.Line);
        Assert.Equal(1, error.Column);
        Assert.Contains("series key", error.Reason);
        Assert.Contains("100000 bytes", error.Reason);
        Assert.Contains("65535", error.Reason);
    }

    [Fact]
    public void TryParse_TagValueOf70000Characters_IsRefusedNamingTheLine()
    {
        var error = ParseError($"m,home=A{new string('é', 35_000)} v=1\n");

        Assert.Equal(1, error.Line);
        Assert.Contains("series key", error.Reason);
        Assert.Contains("65535", error.Reason);
    }

    [Fact]
    public void TryParse_SeriesKeyJustUnderTheLimitButFieldKeyPushingThePastIt_IsRefused()
    {
        // InfluxDB stores "<series key>#!~#<field key>" and refuses it beyond 65535 bytes.
        var series = "m,t=" + new string('a', 65_535 - 4 - 4 - 2);
        Assert.Single(Parse($"{series} v=1\n"));

        var error = ParseError($"{series} value=1\n");

        Assert.Contains("field key", error.Reason);
        Assert.Contains("65535", error.Reason);
    }

    [Theory]
    [InlineData("-9223372036854775808", LineProtocolPrecision.Nanoseconds)]
    [InlineData("-9223372036854775807", LineProtocolPrecision.Nanoseconds)]
    [InlineData("9223372036854775807", LineProtocolPrecision.Nanoseconds)]
    [InlineData("9223372037", LineProtocolPrecision.Seconds)]
    [InlineData("-9223372037", LineProtocolPrecision.Seconds)]
    [InlineData("2562048", LineProtocolPrecision.Hours)]
    public void TryParse_TimestampOutsideInfluxDbRange_IsRefusedNamingTheRange(string timestamp, LineProtocolPrecision precision)
    {
        var error = ParseError($"m v=1 {timestamp}\n", precision);

        Assert.Equal(1, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Contains("-9223372036854775806", error.Reason);
        Assert.Contains("9223372036854775806", error.Reason);
    }

    [Theory]
    [InlineData("-9223372036854775806", LineProtocolPrecision.Nanoseconds)]
    [InlineData("9223372036854775806", LineProtocolPrecision.Nanoseconds)]
    [InlineData("9223372036", LineProtocolPrecision.Seconds)]
    public void TryParse_TimestampAtTheEdgeOfInfluxDbRange_IsAccepted(string timestamp, LineProtocolPrecision precision)
    {
        var reading = Assert.Single(Parse($"m v=1 {timestamp}\n", precision));

        Assert.InRange(reading.Timestamp.Year, 1677, 2262);
    }

    [Theory]
    [InlineData("on=1", "on=true")]
    [InlineData("on=true", "on=1")]
    [InlineData("on=1i", "on=1.5")]
    [InlineData("on=1.5", "on=2i")]
    public void TryParse_FieldTypeChangingWithinOneBody_IsRefusedNamingTheLine(string first, string second)
    {
        var error = ParseError($"lamp,street=a {first} 1\nlamp,street=a {second} 2\n");

        Assert.Equal(2, error.Line);
        Assert.Equal(15, error.Column);
        Assert.Contains("field 'on'", error.Reason);
        Assert.Contains("type", error.Reason);
    }

    [Fact]
    public void TryParse_FieldTypeDifferentFromASeriesTheCatalogueHolds_IsRefused()
    {
        // Another source (or an earlier body) made this series a number.
        catalog.Intern(new SeriesKey("lamp", [new Tag("street", "a")], "on", string.Empty, ValueKind.Float));

        var error = ParseError("lamp,street=a on=true 1\n");

        Assert.Contains("float", error.Reason);
        Assert.Contains("boolean", error.Reason);
    }

    [Fact]
    public void TryParse_FieldTypeOfAnEarlierBodyRepeated_IsAccepted()
    {
        Parse("lamp,street=a on=true 1\n");

        Assert.Equal([0.0, 1.0], Parse("lamp,street=b on=false 2\nlamp,street=a on=t 3\n").Select(r => r.Value));
    }
}
