using Loos.Edge.Mqtt.Mapping;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Mqtt.Tests.Mapping;

/// <summary>The subscription keys as the host binds them from the site file: by name, case-insensitive.</summary>
public sealed class MqttMappingBindingTests
{
    [Fact]
    public void Bind_SiteFileKeys_ReachEveryOption()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["mqtt:presetDirectory"] = MappingHarness.PresetDirectory,
                ["mqtt:subscriptions:0:preset"] = "zigbee2mqtt",
                ["mqtt:subscriptions:0:topic"] = "z2m-ecole/{device}",
                ["mqtt:subscriptions:0:tags:building"] = "ecole-basly",
                ["mqtt:subscriptions:0:fields:0:name"] = "voltage",
                ["mqtt:subscriptions:0:fields:0:unit"] = "mV",
                ["mqtt:subscriptions:0:fields:0:kind"] = "integer",
                ["mqtt:subscriptions:1:topic"] = "chaufferie/{boiler}/state",
                ["mqtt:subscriptions:1:payload"] = "json",
                ["mqtt:subscriptions:1:measurement"] = "boiler",
                ["mqtt:subscriptions:1:fields:0:name"] = "energy",
                ["mqtt:subscriptions:1:fields:0:path"] = "meter:0.total",
                ["mqtt:subscriptions:1:fields:0:unit"] = "kWh",
                ["mqtt:subscriptions:1:fields:0:scale"] = "0.001",
                ["mqtt:subscriptions:1:fields:0:offset"] = "2",
                ["mqtt:subscriptions:1:fields:0:required"] = "true",
                ["mqtt:subscriptions:1:timestamp:path"] = "ts",
                ["mqtt:subscriptions:1:timestamp:format"] = "unix-s",
                ["mqtt:subscriptions:1:timestamp:timeZone"] = "Europe/Paris",
                ["mqtt:subscriptions:2:topic"] = "compteurs/{meter}/puissance",
                ["mqtt:subscriptions:2:payload"] = "number",
                ["mqtt:subscriptions:2:measurement"] = "electricity",
                ["mqtt:subscriptions:2:field"] = "power",
                ["mqtt:subscriptions:2:unit"] = "W",
                ["mqtt:subscriptions:2:kind"] = "float",
                ["mqtt:subscriptions:3:topic"] = "lp/{building}/#",
                ["mqtt:subscriptions:3:payload"] = "line-protocol",
                ["mqtt:subscriptions:3:precision"] = "s",
            })
            .Build();
        var options = new MqttOptions();

        configuration.GetSection("mqtt").Bind(options);

        Assert.Empty(MqttMappingValidator.Check(options.Subscriptions, options.PresetDirectory));
        var boiler = options.Subscriptions[1];
        Assert.Equal(0.001, boiler.Fields[0].Scale);
        Assert.Equal(2, boiler.Fields[0].Offset);
        Assert.True(boiler.Fields[0].Required);
        Assert.Equal("Europe/Paris", boiler.Timestamp!.TimeZone);
        Assert.Equal("ecole-basly", options.Subscriptions[0].Tags["building"]);
        var harness = new MappingHarness([.. options.Subscriptions]);
        Assert.Equal(["z2m-ecole/+", "chaufferie/+/state", "compteurs/+/puissance", "lp/+/#"], harness.Mapper.SubscriptionFilters);
        var energy = harness.Map("chaufferie/chaudiere-1/state", """{"meter:0":{"total":1500}}""")["energy"];
        Assert.Equal(3.5, energy.Value, 9);
        Assert.Equal("chaudiere-1", energy.Tag("boiler"));
    }
}
