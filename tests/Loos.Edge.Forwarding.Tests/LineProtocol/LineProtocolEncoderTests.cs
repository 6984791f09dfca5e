using System.Text;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.LineProtocol;
using Loos.Edge.Forwarding.Tests.Support;

namespace Loos.Edge.Forwarding.Tests.LineProtocol;

public sealed class LineProtocolEncoderTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 6, 0, 0, 123, TimeSpan.Zero);
    private readonly SeriesCatalog catalog = new();

    private string Encode(params Reading[] readings) => Encode(out _, readings);

    private string Encode(out LineProtocolBuffer buffer, params Reading[] readings)
    {
        buffer = new LineProtocolBuffer(16);
        new LineProtocolEncoder(catalog).Encode(readings, buffer);
        return Encoding.UTF8.GetString(buffer.Written.Span);
    }

    private SeriesId Series(string measurement, string field, string unit = "", ValueKind kind = ValueKind.Float, params Tag[] tags) =>
        catalog.Intern(new SeriesKey(measurement, tags, field, unit, kind));

    [Fact]
    public void Encode_SpecialCharacters_EscapesPerLineProtocolReference()
    {
        var id = Series("heat meter,flat", "energy=total kwh", "", ValueKind.Float, new Tag("build ing", "A,1=x"), new Tag("a=b", "c d"));

        var text = Encode(new Reading(id, At, 1.5));

        Assert.Equal("heat\\ meter\\,flat,a\\=b=c\\ d,build\\ ing=A\\,1\\=x energy\\=total\\ kwh=1.5 1768456800123000000\n", text);
    }

    [Fact]
    public void Encode_Unit_WrittenAsTagInKeyOrder()
    {
        var id = Series("energy", "wh", "Wh", ValueKind.Float, new Tag("meter", "m1"), new Tag("zone", "north"));

        Assert.Equal("energy,meter=m1,unit=Wh,zone=north wh=2 1768456800123000000\n", Encode(new Reading(id, At, 2)));
    }

    [Fact]
    public void Encode_KeyHasUnitTag_KeepsTheTagAndAddsNoOther()
    {
        var id = Series("energy", "wh", "Wh", ValueKind.Float, new Tag("unit", "kWh"));

        Assert.Equal("energy,unit=kWh wh=2 1768456800123000000\n", Encode(new Reading(id, At, 2)));
    }

    [Theory]
    [InlineData(ValueKind.Float, 0.1, "0.1")]
    [InlineData(ValueKind.Float, 1e300, "1E+300")]
    [InlineData(ValueKind.Float, -2.5e-7, "-2.5E-07")]
    [InlineData(ValueKind.Float, 3.0, "3")]
    [InlineData(ValueKind.Integer, 123.0, "123i")]
    [InlineData(ValueKind.Integer, -9007199254740992.0, "-9007199254740992i")]
    [InlineData(ValueKind.Boolean, 1.0, "true")]
    [InlineData(ValueKind.Boolean, 0.0, "false")]
    public void Encode_ValueKinds_WritesInfluxFieldTypes(ValueKind kind, double value, string expected)
    {
        var id = Series("m", "f", kind: kind);

        Assert.Equal($"m f={expected} 1768456800123000000\n", Encode(new Reading(id, At, value)));
    }

    [Fact]
    public void Encode_Float_RoundTripsEveryDouble()
    {
        var id = Series("m", "f");
        var random = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = Encode(new Reading(id, At, value));
            var written = text.Split(' ')[1]["f=".Length..];
            Assert.Equal(value, double.Parse(written, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Encode_Timestamp_IsUnixNanosecondsToTheTick()
    {
        var id = Series("m", "f");

        Assert.Equal("m f=1 -1000000\nm f=1 999900\nm f=1 999800\nm f=1 1768456800123000000\n", Encode(
            new Reading(id, DateTimeOffset.UnixEpoch.AddMilliseconds(-1), 1),
            new Reading(id, DateTimeOffset.UnixEpoch.AddTicks(9_999), 1),
            new Reading(id, DateTimeOffset.UnixEpoch.AddTicks(9_998), 1),
            new Reading(id, At, 1)));
    }

    [Fact]
    public void Encode_Qualities_AddQualityFieldAndOmitStaleValue()
    {
        var power = Series("inverter", "power", tags: new Tag("id", "1"));
        var energy = Series("inverter", "energy", tags: new Tag("id", "1"));
        var temperature = Series("inverter", "temperature", tags: new Tag("id", "1"));

        var text = Encode(
            new Reading(power, At, double.NaN, Quality.Stale),
            new Reading(energy, At, 12.5, Quality.Estimated),
            new Reading(temperature, At, 40, Quality.Good));

        Assert.Equal("inverter,id=1 power_quality=\"stale\",energy=12.5,energy_quality=\"estimated\",temperature=40 1768456800123000000\n", text);
    }

    [Fact]
    public void Encode_RepublishedSeries_WritesEveryQualityGoodIncluded()
    {
        // A day published estimated, then measured: the second point must overwrite the first one's quality field.
        var daily = catalog.Intern(new SeriesKey("heating_daily", [new Tag("home", "12")], "kwh", "kWh", republished: true));
        var site = Series("heating_daily", "dju", "K·d", tags: new Tag("home", "12"));

        var text = Encode(
            new Reading(daily, At, 2.95, Quality.Estimated),
            new Reading(daily, At.AddDays(1), 3.45),
            new Reading(site, At.AddDays(1), 13),
            new Reading(daily, At.AddDays(2), double.NaN, Quality.Stale));

        Assert.Equal(
            "heating_daily,home=12,unit=kWh kwh=2.95,kwh_quality=\"estimated\" 1768456800123000000\n"
            + "heating_daily,home=12,unit=kWh kwh=3.45,kwh_quality=\"good\" 1768543200123000000\n"
            + "heating_daily,home=12,unit=K·d dju=13 1768543200123000000\n"
            + "heating_daily,home=12,unit=kWh kwh_quality=\"stale\" 1768629600123000000\n",
            text);
    }

    [Fact]
    public void Encode_AdjacentSameTagsAndTime_GroupsIntoOneLine()
    {
        var a = Series("meter", "a", tags: new Tag("id", "1"));
        var b = Series("meter", "b", tags: new Tag("id", "1"));
        var other = Series("meter", "a", tags: new Tag("id", "2"));

        var text = Encode(out var buffer,
            new Reading(a, At, 1),
            new Reading(b, At, 2),
            new Reading(b, At.AddSeconds(1), 3),
            new Reading(other, At.AddSeconds(1), 4),
            new Reading(a, At.AddSeconds(2), 5),
            new Reading(a, At.AddSeconds(2), 6));

        Assert.Equal(
            "meter,id=1 a=1,b=2 1768456800123000000\nmeter,id=1 b=3 1768456801123000000\nmeter,id=2 a=4 1768456801123000000\nmeter,id=1 a=5 1768456802123000000\nmeter,id=1 a=6 1768456802123000000\n",
            text);
        Assert.Equal([2, 1, 1, 1, 1], buffer.Lines.Select(l => l.Readings));
    }

    [Fact]
    public void Encode_DifferentUnits_AreDifferentLines()
    {
        var power = Series("meter", "power", "W");
        var energy = Series("meter", "energy", "Wh");

        Assert.Equal("meter,unit=W power=1 1768456800123000000\nmeter,unit=Wh energy=2 1768456800123000000\n", Encode(new Reading(power, At, 1), new Reading(energy, At, 2)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Encode_GoodReadingNotFinite_ReportedUnencodableAndOthersKept(double value)
    {
        var a = Series("m", "a");
        var b = Series("m", "b");

        var text = Encode(out var buffer, new Reading(a, At, value), new Reading(b, At, 2));

        Assert.Equal("m b=2 1768456800123000000\n", text);
        var unencodable = Assert.Single(buffer.Unencodable);
        Assert.Equal(a, unencodable.Reading.Series);
        Assert.Contains("NaN or infinity", unencodable.Reason);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("trailing\\")]
    public void Encode_TagValueLineProtocolCannotCarry_ReportedUnencodable(string tagValue)
    {
        var id = Series("m", "f", tags: new Tag("t", tagValue));

        var text = Encode(out var buffer, new Reading(id, At, 1));

        Assert.Equal(string.Empty, text);
        Assert.Single(buffer.Unencodable);
    }

    [Fact]
    public void Encode_SliceOfLines_IsTheirExactBytes()
    {
        var id = Series("m", "f");
        Encode(out var buffer, new Reading(id, At, 1), new Reading(id, At.AddSeconds(1), 2), new Reading(id, At.AddSeconds(2), 3));

        Assert.Equal("m f=2 1768456801123000000\nm f=3 1768456802123000000\n", Encoding.UTF8.GetString(buffer.Slice(1, 2).Span));
        Assert.Equal(2, buffer.CountReadings(1, 2));
    }

    [Fact]
    public async Task Encode_SpecialCharacters_InfluxdReadsBackTheSameSeriesAndValues()
    {
        await using var server = await Loos.Edge.Testing.InfluxdServer.StartNewAsync();
        await server.CreateDatabaseAsync("site");
        var weird = Series("heat meter,flat", "energy=total kwh", "m³", ValueKind.Float, new Tag("build ing", "A,1=x"), new Tag("é", "ü ö"));
        var counter = Series("heat meter,flat", "pulses", "m³", ValueKind.Integer, new Tag("build ing", "A,1=x"), new Tag("é", "ü ö"));
        var on = Series("heat meter,flat", "pump on", "m³", ValueKind.Boolean, new Tag("build ing", "A,1=x"), new Tag("é", "ü ö"));
        var text = Encode(new Reading(weird, At, 0.1), new Reading(counter, At.AddSeconds(1), 42), new Reading(on, At.AddSeconds(2), 1));

        var (status, body) = await server.WriteLineProtocolAsync("site", text, precision: "ns");
        Assert.True((int)status == 204, body);

        var series = await server.QueryAsync("site", "SELECT * FROM \"heat meter,flat\" GROUP BY *");
        var only = Assert.Single(series);
        Assert.Equal("heat meter,flat", only.Name);
        Assert.Equal("A,1=x", only.Tags["build ing"]);
        Assert.Equal("ü ö", only.Tags["é"]);
        Assert.Equal(3, only.Values.Count);
        Assert.Equal(0.1, only[0, "energy=total kwh"].GetDouble());
        Assert.Equal(At.ToUnixTimeMilliseconds(), only[0, "time"].GetInt64());
        Assert.Equal(42, only[1, "pulses"].GetInt64());
        Assert.True(only[2, "pump on"].GetBoolean());
        var units = await server.QueryAsync("site", "SHOW TAG VALUES FROM \"heat meter,flat\" WITH KEY = \"unit\"");
        Assert.Equal("m³", Assert.Single(units).Values[0][1].GetString());
    }
}
