using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Tests.Mapping;

public sealed class MqttMappingValidatorTests
{
    private static MqttMappingOptions Valid() => new()
    {
        Topic = "sensors/{device}",
        Measurement = "sensor",
        Fields = { new MqttFieldOptions { Name = "temperature", Unit = "°C" } },
    };

    private static ConfigurationProblems Check(MqttMappingOptions subscription, string? presetDirectory = null) =>
        MqttMappingValidator.Check([Valid(), subscription], presetDirectory ?? MappingHarness.PresetDirectory);

    [Fact]
    public void Check_ValidSubscriptions_NoProblem()
    {
        var other = Valid();
        other.Topic = "other/{device}/state";

        Assert.Empty(Check(other));
    }

    [Theory]
    [InlineData("sensors/#/x", "mqtt:subscriptions:1:topic: '#' must be the last level of 'sensors/#/x'")]
    [InlineData("sensors/temp+", "mqtt:subscriptions:1:topic: level 1 'temp+': a wildcard must be a whole level")]
    [InlineData("", "mqtt:subscriptions:1:topic: a topic filter is required")]
    public void Check_InvalidFilter_ProblemAtTopic(string topic, string expected)
    {
        var subscription = Valid();
        subscription.Topic = topic;

        Assert.Equal(expected, Assert.Single(Check(subscription)));
    }

    [Fact]
    public void Check_EveryBadKey_OneProblemEachWithItsPath()
    {
        var subscription = new MqttMappingOptions
        {
            Topic = "a/{device}",
            Payload = "json",
            Unit = "W",
            Tags = { ["device"] = "x" },
            Fields =
            {
                new MqttFieldOptions { Name = "a", Kind = "flaot" },
                new MqttFieldOptions { Name = "b", Path = "x..y" },
                new MqttFieldOptions { Name = "a" },
                new MqttFieldOptions { Name = "c", Path = "list[x]" },
                new MqttFieldOptions { Name = "d", Kind = "boolean", Scale = 2 },
                new MqttFieldOptions { Name = "" },
            },
            Timestamp = new MqttTimestampOptions { Path = "ts", Format = "unix-s|unix-ms", TimeZone = "Mars/Olympus" },
        };

        var problems = Check(subscription);

        Assert.Equal(
            [
                "mqtt:subscriptions:1:tags:device: tag 'device' is also taken from topic level 1",
                "mqtt:subscriptions:1:measurement: a measurement is required for payload json",
                "mqtt:subscriptions:1:unit: not used with payload json",
                "mqtt:subscriptions:1:fields:0:kind: 'flaot' is not float, integer or boolean",
                "mqtt:subscriptions:1:fields:1:path: 'x..y' has an empty name (two dots, or a dot at an end)",
                "mqtt:subscriptions:1:fields:2:name: field 'a' is given twice",
                "mqtt:subscriptions:1:fields:3:path: 'list[x]': an array index is written [0], [1], …",
                "mqtt:subscriptions:1:fields:4:scale: a boolean field takes no scale or offset",
                "mqtt:subscriptions:1:fields:5:name: a field name is required",
                "mqtt:subscriptions:1:timestamp:format: 'unix-s|unix-ms' is not iso8601, unix-s or unix-ms, or one ISO and one Unix format joined by '|'",
                "mqtt:subscriptions:1:timestamp:timeZone: 'Mars/Olympus' is not a known IANA time zone",
            ],
            problems);
    }

    [Theory]
    [InlineData("xml", "mqtt:subscriptions:1:payload: 'xml' is not number, json or line-protocol")]
    public void Check_UnknownPayload_ProblemAtPayload(string payload, string expected)
    {
        var subscription = Valid();
        subscription.Payload = payload;

        Assert.Equal(expected, Assert.Single(Check(subscription)));
    }

    [Fact]
    public void Check_NumberPayload_FieldsAndTimestampAreNotUsed()
    {
        var subscription = Valid();
        subscription.Payload = "number";
        subscription.Kind = "bool";
        subscription.Timestamp = new MqttTimestampOptions { Path = "ts" };

        Assert.Equal(
            [
                "mqtt:subscriptions:1:timestamp: not used with payload number",
                "mqtt:subscriptions:1:fields:0: fields are not used with payload number (use field, unit and kind)",
                "mqtt:subscriptions:1:kind: 'bool' is not float, integer or boolean",
            ],
            Check(subscription));
    }

    [Fact]
    public void Check_LineProtocol_MeasurementAndFieldsAreNotUsed_PrecisionChecked()
    {
        var subscription = Valid();
        subscription.Payload = "line-protocol";
        subscription.Precision = "h";

        Assert.Equal(
            [
                "mqtt:subscriptions:1:measurement: not used with payload line-protocol",
                "mqtt:subscriptions:1:fields:0: fields are not used with payload line-protocol (each line names its own)",
                "mqtt:subscriptions:1:precision: 'h' is not ns, us, ms or s",
            ],
            Check(subscription));
    }

    [Fact]
    public void Check_SameFilterTwice_TheSecondWouldGetNothing()
    {
        var subscription = Valid();
        subscription.Topic = "sensors/+";

        Assert.Equal(
            ["mqtt:subscriptions:1:topic: 'sensors/+' subscribes to the same topics as subscription 0, which takes all their messages"],
            Check(subscription));
    }

    [Fact]
    public void Check_UnknownPreset_ListsTheKnownOnes()
    {
        var problem = Assert.Single(Check(new MqttMappingOptions { Preset = "zigbee" }));

        Assert.StartsWith("mqtt:subscriptions:1:preset: no preset 'zigbee' in ", problem, StringComparison.Ordinal);
        Assert.EndsWith("(known: lighting-controller, shelly-gen2, tasmota, zigbee2mqtt)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PresetWithoutDirectory_SaysSo()
    {
        var problems = MqttMappingValidator.Check([new MqttMappingOptions { Preset = "tasmota" }], null);

        Assert.Equal(["mqtt:subscriptions:0:preset: no preset directory to find preset 'tasmota' in"], problems);
    }

    [Fact]
    public void Check_ProblemInAValueFromThePreset_NamesThePresetFile()
    {
        using var directory = new TemporaryPresets();
        directory.Write("broken", """
            # A preset with a typo in a kind.
            topic: broken/{device}
            measurement: broken
            fields:
              - { name: power, unit: W }
              - name: state
                kind: bool
            """);

        var problems = MqttMappingValidator.Check([new MqttMappingOptions { Preset = "broken" }], directory.Path);

        Assert.Equal(["mqtt:subscriptions:0:preset: broken.yaml: fields:1:kind: 'bool' is not float, integer or boolean"], problems);
    }

    [Fact]
    public void Check_PresetWithUnknownKey_FileAndLine()
    {
        using var directory = new TemporaryPresets();
        directory.Write("typo", "topic: a/+\nmeasurement: m\nfeilds:\n  - { name: x }\n");

        var problem = Assert.Single(MqttMappingValidator.Check([new MqttMappingOptions { Preset = "typo" }], directory.Path));

        Assert.StartsWith($"mqtt:subscriptions:0:preset: {System.IO.Path.Combine(directory.Path, "typo.yaml")}:3: unknown key 'feilds' (known here: description, topic,", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PresetValueNotANumber_FileLineAndKey()
    {
        using var directory = new TemporaryPresets();
        directory.Write("scale", "topic: a/+\nmeasurement: m\nfields:\n  - { name: x, scale: big }\n");

        var problem = Assert.Single(MqttMappingValidator.Check([new MqttMappingOptions { Preset = "scale" }], directory.Path));

        Assert.Equal($"mqtt:subscriptions:0:preset: {System.IO.Path.Combine(directory.Path, "scale.yaml")}:4: fields:0:scale: 'big' is not a valid number.", problem);
    }

    [Fact]
    public void Check_PresetNotYaml_FileAndLine()
    {
        using var directory = new TemporaryPresets();
        directory.Write("bad", "topic: a/+\n  measurement: m\n");

        var problem = Assert.Single(MqttMappingValidator.Check([new MqttMappingOptions { Preset = "bad" }], directory.Path));

        Assert.StartsWith($"mqtt:subscriptions:0:preset: {System.IO.Path.Combine(directory.Path, "bad.yaml")}:2: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_InvalidMapping_ArgumentExceptionNamingIt()
    {
        var subscription = Valid();
        subscription.Fields[0].Kind = "text";

        var exception = Assert.Throws<ArgumentException>(() => MqttPayloadMapper.Create([subscription], null, new SeriesCatalog()));

        Assert.Contains("mqtt:subscriptions:0:fields:0:kind: 'text' is not float, integer or boolean", exception.Message, StringComparison.Ordinal);
    }

    private sealed class TemporaryPresets : IDisposable
    {
        public TemporaryPresets()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "loos-mqtt-presets", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Write(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Path, name + ".yaml"), text);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
