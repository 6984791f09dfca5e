using System.Text;
using Loos.Edge.Core.LineProtocol;

namespace Loos.Edge.Core.Tests.LineProtocol;

public sealed class LineProtocolParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly SeriesCatalog catalog = new();

    private List<Reading> Parse(string body, LineProtocolPrecision precision = LineProtocolPrecision.Nanoseconds)
    {
        var readings = new List<Reading>();
        var parser = new LineProtocolParser(catalog);
        var ok = parser.TryParse(Encoding.UTF8.GetBytes(body), precision, Now, readings, out var error);
        Assert.True(ok, error?.ToString());
        return readings;
    }

    private LineProtocolError ParseError(string body)
    {
        var readings = new List<Reading>();
        var parser = new LineProtocolParser(catalog);
        var ok = parser.TryParse(Encoding.UTF8.GetBytes(body), LineProtocolPrecision.Nanoseconds, Now, readings, out var error);
        Assert.False(ok);
        Assert.Empty(readings);
        return error!;
    }

    [Fact]
    public void TryParse_DecimalValuesAndTimestamps_ReadAsTheRuntimeParsesThem()
    {
        // Plain decimals of every length (the parser's own fast path takes the short ones) and timestamps of every
        // length, against double.Parse and long.Parse: the same double, the same instant.
        var random = new Random(16);
        var body = new StringBuilder();
        var expected = new List<(double Value, long Nanoseconds)>();
        for (var i = 0; i < 20_000; i++)
        {
            var digits = random.Next(1, 22);
            var text = new StringBuilder(random.Next(2) == 0 ? "-" : string.Empty);
            for (var d = 0; d < digits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            if (random.Next(4) > 0)
            {
                text.Insert(random.Next(text[0] == '-' ? 1 : 0, text.Length + 1), '.');
            }

            var value = text.ToString();
            var nanoseconds = random.NextInt64(1, long.MaxValue - 1) / (long)Math.Pow(10, random.Next(0, 19));
            body.Append(System.Globalization.CultureInfo.InvariantCulture, $"m v={value} {nanoseconds}\n");
            expected.Add((double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), nanoseconds));
        }

        var readings = Parse(body.ToString());

        Assert.Equal(expected.Count, readings.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].Value), BitConverter.DoubleToInt64Bits(readings[i].Value));
            Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(expected[i].Nanoseconds / 100), readings[i].Timestamp);
        }
    }

    [Fact]
    public void TryParse_OneLineWithTagsAndTwoFields_GivesOneReadingPerFieldWithTheirSeries()
    {
        var readings = Parse("power,building=school,meter=pv1 active=1520.5,reactive=-12i 1700000000000000000\n");

        Assert.Equal(2, readings.Count);
        var active = catalog[readings[0].Series];
        Assert.Equal("power", active.Measurement);
        Assert.Equal([new Tag("building", "school"), new Tag("meter", "pv1")], active.Tags.ToArray());
        Assert.Equal("active", active.Field);
        Assert.Equal(string.Empty, active.Unit);
        Assert.Equal(ValueKind.Float, active.Kind);
        Assert.Equal(1520.5, readings[0].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), readings[0].Timestamp);
        Assert.Equal(Quality.Good, readings[0].Quality);

        var reactive = catalog[readings[1].Series];
        Assert.Equal("reactive", reactive.Field);
        Assert.Equal(ValueKind.Integer, reactive.Kind);
        Assert.Equal(-12, readings[1].Value);
    }

    [Fact]
    public void TryParse_TagsInAnotherOrder_InternsTheSameSeries()
    {
        var readings = Parse("m,a=1,b=2 v=1 1\nm,b=2,a=1 v=2 2\n");

        Assert.Equal(readings[0].Series, readings[1].Series);
        Assert.Equal(1, catalog.Count);
    }

    [Fact]
    public void TryParse_SameSeriesInLaterBody_ReusesTheId()
    {
        var first = Parse("m,a=1 v=1 1");
        var second = Parse("m,a=1 v=2 2\nm,a=1 w=3 3");

        Assert.Equal(first[0].Series, second[0].Series);
        Assert.NotEqual(second[0].Series, second[1].Series);
        Assert.Equal(2, catalog.Count);
    }

    [Fact]
    public void TryParse_StaticOverload_SharesOneCachePerCatalogue()
    {
        var readings = new List<Reading>();
        Assert.True(LineProtocolParser.TryParse("m v=1 1"u8, LineProtocolPrecision.Nanoseconds, Now, catalog, readings, out _));
        Assert.True(LineProtocolParser.TryParse("m v=2 2"u8, LineProtocolPrecision.Nanoseconds, Now, catalog, readings, out _));

        Assert.Equal(readings[0].Series, readings[1].Series);
        Assert.Equal(1, catalog.Count);
    }

    [Theory]
    [InlineData(@"my\ meas\,ure v=1", @"my meas,ure", null, null, "v")]
    [InlineData(@"m,t\ k\=y\,=v\ a\=l\,ue v=1", "m", @"t k=y,", @"v a=l,ue", "v")]
    [InlineData(@"m f\ i\=e\,ld=1", "m", null, null, @"f i=e,ld")]
    [InlineData(@"m,t=a\""b v=1", "m", "t", "a\"b", "v")]
    [InlineData(@"m,t=a\\ v=1", "m", "t", @"a\", "v")]
    [InlineData(@"m,t=a\b v=1", "m", "t", @"a\b", "v")]
    [InlineData("m=x,t=é v=1", "m=x", "t", "é", "v")]
    public void TryParse_EscapedNames_AreUnescaped(string line, string measurement, string? tagKey, string? tagValue, string field)
    {
        var readings = Parse(line);

        var key = catalog[Assert.Single(readings).Series];
        Assert.Equal(measurement, key.Measurement);
        if (tagKey is null)
        {
            Assert.Equal(0, key.Tags.Length);
        }
        else
        {
            Assert.Equal(tagValue, key.GetTag(tagKey));
        }

        Assert.Equal(field, key.Field);
    }

    [Theory]
    [InlineData("1.5", 1.5, ValueKind.Float)]
    [InlineData("-2", -2.0, ValueKind.Float)]
    [InlineData("1e3", 1000.0, ValueKind.Float)]
    [InlineData("-1.25E-2", -0.0125, ValueKind.Float)]
    [InlineData(".5", 0.5, ValueKind.Float)]
    [InlineData("3.", 3.0, ValueKind.Float)]
    [InlineData("12i", 12.0, ValueKind.Integer)]
    [InlineData("-12i", -12.0, ValueKind.Integer)]
    [InlineData("12u", 12.0, ValueKind.Integer)]
    [InlineData("9007199254740992i", 9007199254740992.0, ValueKind.Integer)]
    [InlineData("-9007199254740992i", -9007199254740992.0, ValueKind.Integer)]
    [InlineData("t", 1.0, ValueKind.Boolean)]
    [InlineData("T", 1.0, ValueKind.Boolean)]
    [InlineData("true", 1.0, ValueKind.Boolean)]
    [InlineData("True", 1.0, ValueKind.Boolean)]
    [InlineData("TRUE", 1.0, ValueKind.Boolean)]
    [InlineData("f", 0.0, ValueKind.Boolean)]
    [InlineData("F", 0.0, ValueKind.Boolean)]
    [InlineData("false", 0.0, ValueKind.Boolean)]
    [InlineData("False", 0.0, ValueKind.Boolean)]
    [InlineData("FALSE", 0.0, ValueKind.Boolean)]
    public void TryParse_FieldTypes_GiveValueAndKind(string text, double value, ValueKind kind)
    {
        var reading = Assert.Single(Parse($"m v={text} 0"));

        Assert.Equal(value, reading.Value);
        Assert.Equal(kind, catalog[reading.Series].Kind);
    }

    [Fact]
    public void TryParse_SameFieldAsFloatThenInteger_IsRefusedAsInfluxDbRefusesIt()
    {
        var error = ParseError("m v=1 1\nm v=1i 2");

        Assert.Equal(2, error.Line);
        Assert.Contains("is integer here but float", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LineProtocolPrecision.Nanoseconds, "1700000000123456789", 17_000_000_001_234_567L)]
    [InlineData(LineProtocolPrecision.Microseconds, "1700000000123456", 17_000_000_001_234_560L)]
    [InlineData(LineProtocolPrecision.Milliseconds, "1700000000123", 17_000_000_001_230_000L)]
    [InlineData(LineProtocolPrecision.Seconds, "1700000000", 17_000_000_000_000_000L)]
    [InlineData(LineProtocolPrecision.Minutes, "28333333", 16_999_999_800_000_000L)]
    [InlineData(LineProtocolPrecision.Hours, "472222", 16_999_992_000_000_000L)]
    [InlineData(LineProtocolPrecision.Nanoseconds, "-150", -2L)]
    public void TryParse_Precision_ScalesTheTimestamp(LineProtocolPrecision precision, string timestamp, long ticksSinceEpoch)
    {
        var reading = Assert.Single(Parse($"m v=1 {timestamp}", precision));

        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(ticksSinceEpoch), reading.Timestamp);
        Assert.Equal(TimeSpan.Zero, reading.Timestamp.Offset);
    }

    [Fact]
    public void TryParse_NoTimestamp_TakesNowForEveryField()
    {
        var readings = Parse("m a=1,b=2\nm c=3   ");

        Assert.All(readings, r => Assert.Equal(Now, r.Timestamp));
        Assert.Equal(3, readings.Count);
    }

    [Fact]
    public void TryParse_CommentsBlankLinesAndCrLf_AreSkipped()
    {
        var readings = Parse("# header\r\n\r\nm v=1 1\r\n   \r\n  # indented comment\nm v=2 2\r\n\n");

        Assert.Equal([1.0, 2.0], readings.Select(r => r.Value));
    }

    [Fact]
    public void TryParse_EmptyBody_AddsNothing()
    {
        Assert.Empty(Parse(string.Empty));
    }

    [Fact]
    public void TryParse_FieldKeyRepeatedInALine_KeepsTheLastValue()
    {
        var readings = Parse("m a=1,b=2,a=3 1");

        Assert.Equal(2, readings.Count);
        Assert.Equal(3.0, readings.Single(r => catalog[r.Series].Field == "a").Value);
    }

    [Theory]
    [InlineData("m v=1\nm,t=a v=\"on\"", 2, 9, "string")]
    [InlineData("m v=1\n\nm,t=a", 3, 6, "missing fields")]
    [InlineData(",t=a v=1", 1, 1, "missing measurement")]
    [InlineData("m,=a v=1", 1, 3, "missing tag key")]
    [InlineData("m,t= v=1", 1, 5, "missing value of tag 't'")]
    [InlineData("m,t v=1", 1, 3, "tag 't' has no value")]
    [InlineData("m,t=a,t=b v=1", 1, 7, "duplicate tag 't'")]
    [InlineData("m,t=a=b v=1", 1, 6, "unescaped '='")]
    [InlineData("m =1", 1, 3, "missing field key")]
    [InlineData("m v", 1, 3, "field 'v' has no value")]
    [InlineData("m v=", 1, 5, "missing value of field 'v'")]
    [InlineData("m v=1,", 1, 7, "missing field key")]
    [InlineData("m v=12x", 1, 5, "invalid value '12x'")]
    [InlineData("m v=abc", 1, 5, "invalid value 'abc'")]
    [InlineData("m v=NaN", 1, 5, "invalid value")]
    [InlineData("m v=1e400", 1, 5, "out of range")]
    [InlineData("m v=-1u", 1, 5, "invalid unsigned value")]
    [InlineData("m v=9007199254740993i", 1, 5, "2^53")]
    [InlineData("m v=9007199254740993u", 1, 5, "2^53")]
    [InlineData("m v=99999999999999999999i", 1, 5, "2^53")]
    [InlineData("m v=1 12a", 1, 7, "invalid timestamp '12a'")]
    [InlineData("m v=1 1 2", 1, 9, "unexpected text after the timestamp")]
    [InlineData("m v=1 99999999999999999999", 1, 7, "timestamp out of range")]
    [InlineData("m,time=x v=1", 1, 3, "reserved")]
    [InlineData("m time=1", 1, 3, "reserved")]
    [InlineData("m,t=a\\\nb v=1", 1, 6, "newline")]
    [InlineData("é,t=é v=x", 1, 9, "invalid value 'x'")]
    public void TryParse_MalformedLine_ReportsLineColumnAndReason(string body, int line, int column, string reason)
    {
        var error = ParseError(body);

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HoursTimestampBeyondYear9999_IsOutOfRange()
    {
        var readings = new List<Reading>();
        var ok = new LineProtocolParser(catalog).TryParse("m v=1 99999999999"u8, LineProtocolPrecision.Hours, Now, readings, out var error);

        Assert.False(ok);
        Assert.Contains("timestamp out of range", error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_InvalidUtf8InTagValue_IsRejected()
    {
        var body = new byte[] { (byte)'m', (byte)',', (byte)'t', (byte)'=', 0xC3, 0x28, (byte)' ', (byte)'v', (byte)'=', (byte)'1' };
        var readings = new List<Reading>();

        var ok = new LineProtocolParser(catalog).TryParse(body, LineProtocolPrecision.Nanoseconds, Now, readings, out var error);

        Assert.False(ok);
        Assert.Contains("UTF-8", error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ErrorOnLaterLine_LeavesEarlierReadingsOfTheListUntouched()
    {
        var before = new Reading(new SeriesId(42), Now, 7);
        var readings = new List<Reading> { before };

        var ok = new LineProtocolParser(catalog).TryParse("m v=1 1\nm v=2 2\nm v=oops 3"u8, LineProtocolPrecision.Nanoseconds, Now, readings, out var error);

        Assert.False(ok);
        Assert.Equal(3, error!.Line);
        Assert.Equal([before], readings);
    }

    [Fact]
    public void TryParse_LongSnippet_IsShortened()
    {
        var error = ParseError($"m v={new string('x', 500)}");

        Assert.True(error.Reason.Length < 120, error.Reason);
        Assert.Equal("line 1, column 5: " + error.Reason, error.ToString());
    }

    [Fact]
    public void TryParse_VeryLongSeries_UsesPooledKeyAndStillCaches()
    {
        var tag = new string('a', 1000);
        var readings = Parse($"m,t={tag} v=1 1\nm,t={tag} v=2 2");

        Assert.Equal(readings[0].Series, readings[1].Series);
        Assert.Equal(tag, catalog[readings[0].Series].GetTag("t"));
    }

    [Fact]
    public void TryParse_ConcurrentBodies_InternOneIdPerSeries()
    {
        var parser = new LineProtocolParser(catalog);
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 200).Select(i => $"m,home=h{i % 50} energy={i}i {i}")));
        var results = new List<Reading>[8];

        Parallel.For(0, results.Length, k =>
        {
            var readings = new List<Reading>();
            Assert.True(parser.TryParse(body, LineProtocolPrecision.Seconds, Now, readings, out _));
            results[k] = readings;
        });

        Assert.Equal(50, catalog.Count);
        Assert.All(results, r => Assert.Equal(results[0], r));
    }

    [Theory]
    [InlineData(null, LineProtocolPrecision.Nanoseconds)]
    [InlineData("", LineProtocolPrecision.Nanoseconds)]
    [InlineData("ns", LineProtocolPrecision.Nanoseconds)]
    [InlineData("n", LineProtocolPrecision.Nanoseconds)]
    [InlineData("us", LineProtocolPrecision.Microseconds)]
    [InlineData("u", LineProtocolPrecision.Microseconds)]
    [InlineData("ms", LineProtocolPrecision.Milliseconds)]
    [InlineData("s", LineProtocolPrecision.Seconds)]
    [InlineData("m", LineProtocolPrecision.Minutes)]
    [InlineData("h", LineProtocolPrecision.Hours)]
    public void TryParsePrecision_KnownNames_AreAccepted(string? text, LineProtocolPrecision expected)
    {
        Assert.True(LineProtocolParser.TryParsePrecision(text, out var precision));
        Assert.Equal(expected, precision);
    }

    [Theory]
    [InlineData("sec")]
    [InlineData("NS")]
    [InlineData("rfc3339")]
    public void TryParsePrecision_UnknownName_IsRejected(string text)
    {
        Assert.False(LineProtocolParser.TryParsePrecision(text, out _));
    }
}
