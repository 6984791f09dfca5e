using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Tests.Mapping;

public sealed class MqttPayloadMapperTests
{
    private static MqttMappingOptions Json(string topic, params MqttFieldOptions[] fields)
    {
        var options = new MqttMappingOptions { Topic = topic, Payload = "json", Measurement = "sensor" };
        options.Fields.AddRange(fields);
        return options;
    }

    private static MqttFieldOptions Field(string name, string? path = null, string unit = "", string kind = "float", bool required = false, double scale = 1, double offset = 0) =>
        new() { Name = name, Path = path, Unit = unit, Kind = kind, Required = required, Scale = scale, Offset = offset };

    [Theory]
    [InlineData("1523.5", 1523.5)]
    [InlineData(" 42\n", 42)]
    [InlineData("-3e2", -300)]
    public void TryMap_NumberPayload_OneReadingWithFieldUnitAndReceiveTime(string payload, double expected)
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "meters/{meter}/power", Payload = "number", Measurement = "electricity", Field = "power", Unit = "W" });

        var point = Assert.Single(harness.Map("meters/pv-ecole/power", payload)).Value;

        Assert.Equal(expected, point.Value);
        Assert.Equal("electricity", point.Key.Measurement);
        Assert.Equal("W", point.Key.Unit);
        Assert.Equal(ValueKind.Float, point.Key.Kind);
        Assert.Equal("pv-ecole", point.Tag("meter"));
        Assert.Equal(MappingHarness.ReceivedAt, point.Timestamp);
        Assert.Equal(Quality.Good, point.Quality);
    }

    [Fact]
    public void TryMap_NumberPayloadWithoutField_FieldIsValue()
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "t", Payload = "number", Measurement = "m" });

        Assert.Equal("value", Assert.Single(harness.Map("t", "1")).Key);
    }

    [Theory]
    [InlineData("ON", 1)]
    [InlineData("off", 0)]
    [InlineData("true", 1)]
    [InlineData("FALSE", 0)]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    public void TryMap_BooleanNumberPayload_WordsAndDigits(string payload, double expected)
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "relay/+", Payload = "number", Measurement = "relay", Field = "on", Kind = "boolean" });

        var point = Assert.Single(harness.Map("relay/pump", payload)).Value;

        Assert.Equal(expected, point.Value);
        Assert.Equal(ValueKind.Boolean, point.Key.Kind);
    }

    [Theory]
    [InlineData("abc", "float", "payload \"abc\" is not a number")]
    [InlineData("12 W", "float", "payload \"12 W\" is not a number")]
    [InlineData("NaN", "float", "payload \"NaN\" is not a number")]
    [InlineData("TOGGLE", "boolean", "payload \"TOGGLE\" is not a boolean")]
    [InlineData("2.5", "integer", "payload 2.5 is not an integer")]
    [InlineData("", "float", "payload is empty")]
    public void TryMap_BadNumberPayload_RejectedWithReason(string payload, string kind, string expected)
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "t", Payload = "number", Measurement = "m", Kind = kind });

        Assert.Equal(expected, harness.Reject("t", payload));
    }

    [Fact]
    public void TryMap_Json_ReadsNestedPathsScaleOffsetAndKinds()
    {
        var harness = new MappingHarness(Json(
            "heat/{home}",
            Field("supply", "temps.supply", "°C"),
            Field("energy", "counters[1].value", "kWh", scale: 0.001),
            Field("offset_temperature", "temps.raw", "°C", scale: 0.1, offset: -40),
            Field("pulses", kind: "integer"),
            Field("pump", "pump.running", kind: "boolean")));

        var points = harness.Map("heat/H12", """{"temps":{"supply":55.5,"raw":612},"counters":[{"value":1},{"value":123456}],"pulses":42,"pump":{"running":true}}""");

        Assert.Equal(55.5, points["supply"].Value);
        Assert.Equal(123.456, points["energy"].Value, 9);
        Assert.Equal("kWh", points["energy"].Key.Unit);
        Assert.Equal(21.2, points["offset_temperature"].Value, 9);
        Assert.Equal(42, points["pulses"].Value);
        Assert.Equal(ValueKind.Integer, points["pulses"].Key.Kind);
        Assert.Equal(1, points["pump"].Value);
        Assert.Equal(ValueKind.Boolean, points["pump"].Key.Kind);
        Assert.All(points.Values, p => Assert.Equal("H12", p.Tag("home")));
        Assert.All(points.Values, p => Assert.Equal("sensor", p.Key.Measurement));
    }

    [Fact]
    public void TryMap_JsonSplitIntoOneByteSegments_SameReadings()
    {
        var harness = new MappingHarness(Json("t", Field("a", "x.y"), Field("b", "s", kind: "boolean")));
        const string Payload = """{"x":{"skip":[1,{"y":9}],"y":-1.25},"s":"ON"}""";

        var whole = harness.Map("t", Payload);
        var segmented = harness.Map("t", Payload, segmented: true);

        Assert.Equal(-1.25, whole["a"].Value);
        Assert.Equal(whole["a"].Value, segmented["a"].Value);
        Assert.Equal(1, segmented["b"].Value);
    }

    [Fact]
    public void TryMap_PathWithColons_ReadsShellyStyleKeys()
    {
        var harness = new MappingHarness(Json("shelly/+/events/rpc", Field("apower", "params.switch:0.apower", "W")));

        var points = harness.Map("shelly/plug/events/rpc", """{"src":"shellyplus1pm-a8032ab12345","method":"NotifyStatus","params":{"ts":1700000000.5,"switch:0":{"id":0,"apower":48.2}}}""");

        Assert.Equal(48.2, points["apower"].Value);
    }

    [Fact]
    public void TryMap_EscapedPropertyName_MatchesItsUnescapedPath()
    {
        var harness = new MappingHarness(Json("t", Field("temperature", "t\u00e9mp")));

        Assert.Equal(3, harness.Map("t", """{"t\u00e9mp":3}""")["temperature"].Value);
    }

    [Theory]
    [InlineData("\"21.5\"", 21.5)]
    [InlineData("\"  7 \"", 7)]
    public void TryMap_NumberAsJsonString_IsRead(string json, double expected)
    {
        var harness = new MappingHarness(Json("t", Field("battery")));

        Assert.Equal(expected, harness.Map("t", $$"""{"battery":{{json}}}""")["battery"].Value);
    }

    [Theory]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    [InlineData("\"ON\"", 1)]
    [InlineData("\"OFF\"", 0)]
    [InlineData("\"on\"", 1)]
    [InlineData("\"False\"", 0)]
    [InlineData("0", 0)]
    [InlineData("2", 1)]
    public void TryMap_BooleanField_AcceptsJsonBooleansOnOffAndNumbers(string json, double expected)
    {
        var harness = new MappingHarness(Json("t", Field("state", kind: "boolean")));

        Assert.Equal(expected, harness.Map("t", $$"""{"state":{{json}}}""")["state"].Value);
    }

    [Fact]
    public void TryMap_FieldMissingOrNull_AbsentFromTheReadings()
    {
        var harness = new MappingHarness(Json("t", Field("temperature"), Field("humidity"), Field("pressure")));

        var points = harness.Map("t", """{"temperature":20.5,"humidity":null}""");

        Assert.Equal(["temperature"], points.Keys);
    }

    [Fact]
    public void TryMap_NoFieldOfTheMappingInTheMessage_MapsToNoReadings()
    {
        var harness = new MappingHarness(Json("t", Field("temperature")));

        Assert.Empty(harness.Map("t", """{"action":"single"}"""));
    }

    [Fact]
    public void TryMap_RequiredFieldMissing_RejectedNamingIt()
    {
        var harness = new MappingHarness(Json("t", Field("temperature"), Field("power", "ENERGY.Power", required: true)));

        Assert.Equal("field 'power' (path 'ENERGY.Power') is required and absent", harness.Reject("t", """{"temperature":20.5}"""));
        Assert.Equal("field 'power' (path 'ENERGY.Power') is required and absent", harness.Reject("t", """{"temperature":20.5,"ENERGY":{"Power":null}}"""));
    }

    [Theory]
    [InlineData("""{"temperature":"abc"}""", "field 'temperature': \"abc\" is not a number")]
    [InlineData("""{"temperature":true}""", "field 'temperature': true is not a number")]
    [InlineData("""{"temperature":{"value":1}}""", "field 'temperature': an object is not a value")]
    [InlineData("""{"temperature":[1,2]}""", "field 'temperature': an array is not a value")]
    [InlineData("""{"temperature":1,"state":"TOGGLE"}""", "field 'state': \"TOGGLE\" is not a boolean")]
    [InlineData("""{"count":1.5}""", "field 'count': 1.5 is not an integer")]
    [InlineData("""{"temperature":1e400}""", "field 'temperature': 1e400 is out of range")]
    public void TryMap_ValueOfTheWrongType_RejectedQuotingIt(string payload, string expected)
    {
        var harness = new MappingHarness(Json("t", Field("temperature"), Field("state", kind: "boolean"), Field("count", kind: "integer")));

        Assert.Equal(expected, harness.Reject("t", payload));
    }

    [Theory]
    [InlineData("""{"temperature":20.5,}""", "payload is not JSON: The JSON object contains a trailing comma at the end", "at byte 20")]
    [InlineData("""{"temperature":20.5""", "payload is not JSON: ", "byte 19")]
    [InlineData("""{"temperature":20.5} x""", "payload is not JSON: ", "byte 21")]
    [InlineData("not json", "payload is not JSON: ", "Expected the literal 'null', at byte 1")]
    [InlineData("{\n\"a\":1,\n\"temperature\": }", "payload is not JSON: ", "line 3, byte 15")]
    public void TryMap_MalformedJson_RejectedWithWhere(string payload, string expectedStart, string expectedWhere)
    {
        var harness = new MappingHarness(Json("t", Field("temperature")));

        var problem = harness.Reject("t", payload);

        Assert.StartsWith(expectedStart, problem, StringComparison.Ordinal);
        Assert.EndsWith(expectedWhere, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("[{\"temperature\":1}]")]
    [InlineData("\"temperature\"")]
    public void TryMap_JsonThatIsNotAnObject_Rejected(string payload)
    {
        var harness = new MappingHarness(Json("t", Field("temperature")));

        Assert.Equal($"payload is JSON but not an object: \"{payload}\"", harness.Reject("t", payload));
    }

    [Fact]
    public void TryMap_MalformedJsonAfterTheFields_NothingAppended()
    {
        var harness = new MappingHarness(Json("t", Field("temperature")));

        Assert.StartsWith("payload is not JSON", harness.Reject("t", """{"temperature":20.5,"x":[1,2}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_TimestampPaths_EachFormat()
    {
        var harness = new MappingHarness(
            Json("s/+", Field("v")).WithTimestamp("ts", "unix-s"),
            Json("ms/+", Field("v")).WithTimestamp("ts", "unix-ms"),
            Json("iso/+", Field("v")).WithTimestamp("ts", "iso8601"));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_115_200), harness.Map("s/a", """{"v":1,"ts":1764115200}""")["v"].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_115_200_123), harness.Map("ms/a", """{"ts":1764115200123,"v":1}""")["v"].Timestamp);
        Assert.Equal(new DateTimeOffset(2020, 2, 26, 19, 44, 9, TimeSpan.Zero), harness.Map("iso/a", """{"v":1,"ts":"2020-02-26T20:44:09+01:00"}""")["v"].Timestamp);
        Assert.Equal(new DateTimeOffset(2019, 1, 12, 13, 41, 27, 890, TimeSpan.Zero), harness.Map("iso/a", """{"v":1,"ts":"2019-01-12T13:41:27.890Z"}""")["v"].Timestamp);
        Assert.Equal(MappingHarness.ReceivedAt, harness.Map("iso/a", """{"v":1}""")["v"].Timestamp);
        Assert.Equal(MappingHarness.ReceivedAt, harness.Map("iso/a", """{"v":1,"ts":null}""")["v"].Timestamp);
    }

    [Theory]
    [InlineData("iso8601", """{"v":1,"ts":1764115200}""", "timestamp 'ts': a number, where the format is iso8601")]
    [InlineData("unix-ms", """{"v":1,"ts":"2020-02-26T20:44:09Z"}""", "timestamp 'ts': \"2020-02-26T20:44:09Z\" is text, where the format is a Unix time")]
    [InlineData("iso8601", """{"v":1,"ts":"yesterday"}""", "timestamp 'ts': \"yesterday\" is not an ISO 8601 date and time")]
    [InlineData("iso8601", """{"v":1,"ts":"2020-13-40T25:00:00Z"}""", "timestamp 'ts': \"2020-13-40T25:00:00Z\" is not an ISO 8601 date and time")]
    [InlineData("unix-s", """{"v":1,"ts":1e300}""", "timestamp 'ts': 1e300 is out of range")]
    public void TryMap_BadTimestamp_RejectedWithReason(string format, string payload, string expected)
    {
        var harness = new MappingHarness(Json("t", Field("v")).WithTimestamp("ts", format));

        Assert.Equal(expected, harness.Reject("t", payload));
    }

    [Fact]
    public void TryMap_LocalIsoTimestamp_ReadInTheConfiguredZoneAcrossDaylightSaving()
    {
        var options = Json("t", Field("v"));
        options.Timestamp = new MqttTimestampOptions { Path = "Time", Format = "iso8601", TimeZone = "Europe/Paris" };
        var harness = new MappingHarness(options);

        // Winter: UTC+1; summer: UTC+2; 02:30 on 2026-10-25 happens twice and is read with the standard offset.
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 20, 57, 38, TimeSpan.Zero), harness.Map("t", """{"Time":"2026-01-11T21:57:38","v":1}""")["v"].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), harness.Map("t", """{"Time":"2026-07-01T12:00:00","v":1}""")["v"].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero), harness.Map("t", """{"Time":"2026-10-25T02:30:00","v":1}""")["v"].Timestamp);
    }

    [Fact]
    public void TryMap_LineProtocol_ReadingsOfEveryFieldWithTopicAndLiteralTags()
    {
        var options = new MqttMappingOptions { Topic = "lp/{building}/#", Payload = "line-protocol", Precision = "s" };
        options.Tags["site"] = "loos";
        var harness = new MappingHarness(options);

        var points = harness.Map("lp/mairie/meters", "power,meter=m1,building=wrong active=1520.5,reactive=-3i 1764115200\npower,meter=m1 pf=0.98\n");

        Assert.Equal(1520.5, points["active"].Value);
        Assert.Equal(-3, points["reactive"].Value);
        Assert.Equal(ValueKind.Integer, points["reactive"].Key.Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_115_200), points["active"].Timestamp);
        Assert.Equal(MappingHarness.ReceivedAt, points["pf"].Timestamp);
        Assert.All(points.Values, p => Assert.Equal("mairie", p.Tag("building")));
        Assert.All(points.Values, p => Assert.Equal("loos", p.Tag("site")));
        Assert.All(points.Values, p => Assert.Equal("m1", p.Tag("meter")));
        Assert.All(points.Values, p => Assert.Equal("power", p.Key.Measurement));
    }

    [Fact]
    public void TryMap_LineProtocolSegmented_SameReadings()
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "lp", Payload = "line-protocol" });

        var points = harness.Map("lp", "weather temperature=4.5 1764115200000000000", segmented: true);

        Assert.Equal(4.5, points["temperature"].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_115_200), points["temperature"].Timestamp);
    }

    [Fact]
    public void TryMap_MalformedLineProtocol_RejectedWithLineAndColumn()
    {
        var harness = new MappingHarness(new MqttMappingOptions { Topic = "lp", Payload = "line-protocol" });

        Assert.Equal("payload is not line protocol: line 2, column 21: invalid value 'abc' of field 'temperature'", harness.Reject("lp", "weather humidity=80\nweather temperature=abc"));
    }

    [Fact]
    public void TryMap_TopicMatchingNoSubscription_Rejected()
    {
        var harness = new MappingHarness(Json("zigbee2mqtt/+", Field("temperature")));

        Assert.Equal("no subscription matches topic 'zigbee2mqtt/bridge/state'", harness.Reject("zigbee2mqtt/bridge/state", "online"));
    }

    [Fact]
    public void TryMap_TagLevelEmpty_RejectedBecauseTheTagWouldHaveNoValue()
    {
        var harness = new MappingHarness(Json("z/{device}", Field("temperature")));

        Assert.Equal("topic 'z/': level 1 is empty, so tag 'device' has no value", harness.Reject("z/", """{"temperature":1}"""));
    }

    [Fact]
    public void TryMap_OverlappingFilters_FirstSubscriptionWins()
    {
        var specific = new MqttMappingOptions { Topic = "site/boiler/power", Payload = "number", Measurement = "boiler", Unit = "kW" };
        var general = new MqttMappingOptions { Topic = "site/#", Payload = "number", Measurement = "other" };
        var harness = new MappingHarness(specific, general);

        Assert.Equal("boiler", harness.Map("site/boiler/power", "12")["value"].Key.Measurement);
        Assert.Equal("other", harness.Map("site/pump/power", "3")["value"].Key.Measurement);
        Assert.Equal(["site/boiler/power", "site/#"], harness.Mapper.SubscriptionFilters);
    }

    [Fact]
    public void TryMap_EachDeviceUnderAWildcard_ItsOwnSeries()
    {
        var harness = new MappingHarness(Json("z/{device}", Field("temperature", unit: "°C")));

        var kitchen = harness.Map("z/kitchen", """{"temperature":20}""")["temperature"];
        var hall = harness.Map("z/hall", """{"temperature":18}""")["temperature"];
        var kitchenAgain = harness.Map("z/kitchen", """{"temperature":21}""")["temperature"];

        Assert.NotEqual(kitchen.Key, hall.Key);
        Assert.Equal(kitchen.Key, kitchenAgain.Key);
        Assert.Equal(2, harness.Catalog.Count);
    }

    [Fact]
    public void TryMap_SteadyStream_DoesNotGrowTheCatalogue()
    {
        var harness = new MappingHarness(Json("z/{device}", Field("temperature"), Field("humidity")));
        for (var i = 0; i < 100; i++)
        {
            harness.Map($"z/d{i % 5}", """{"temperature":20,"humidity":50}""");
        }

        Assert.Equal(10, harness.Catalog.Count);
    }
}

internal static class TimestampOptionsExtensions
{
    public static MqttMappingOptions WithTimestamp(this MqttMappingOptions options, string path, string format)
    {
        options.Timestamp = new MqttTimestampOptions { Path = path, Format = format };
        return options;
    }
}
