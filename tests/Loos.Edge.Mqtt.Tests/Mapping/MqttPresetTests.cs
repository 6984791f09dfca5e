using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Tests.Mapping;

/// <summary>The shipped presets on payloads as the devices publish them (examples from their documentation and users' logs).</summary>
public sealed class MqttPresetTests
{
    private static MappingHarness Preset(string name, Action<MqttMappingOptions>? configure = null)
    {
        var options = new MqttMappingOptions { Preset = name };
        configure?.Invoke(options);
        return new MappingHarness(options);
    }

    [Fact]
    public void Zigbee2Mqtt_AqaraWeatherSensor_AllValuesWithUnitsAndDeviceTag()
    {
        var harness = Preset("zigbee2mqtt");

        // Published by Zigbee2MQTT 1.6 for an Aqara WSDCGQ11LM (temperature, humidity and pressure sensor).
        var points = harness.Map("zigbee2mqtt/0x00158d00036c1821", """{"temperature":22.75,"linkquality":97,"humidity":55.43,"pressure":1000.6,"battery":86}""");

        Assert.Equal(["battery", "humidity", "linkquality", "pressure", "temperature"], points.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(22.75, points["temperature"].Value);
        Assert.Equal("°C", points["temperature"].Key.Unit);
        Assert.Equal(55.43, points["humidity"].Value);
        Assert.Equal("%", points["humidity"].Key.Unit);
        Assert.Equal(1000.6, points["pressure"].Value);
        Assert.Equal("hPa", points["pressure"].Key.Unit);
        Assert.Equal(86, points["battery"].Value);
        Assert.Equal(97, points["linkquality"].Value);
        Assert.Equal(ValueKind.Integer, points["linkquality"].Key.Kind);
        Assert.All(points.Values, p => Assert.Equal("zigbee", p.Key.Measurement));
        Assert.All(points.Values, p => Assert.Equal("0x00158d00036c1821", p.Tag("device")));
        Assert.All(points.Values, p => Assert.Equal(MappingHarness.ReceivedAt, p.Timestamp));
    }

    [Fact]
    public void Zigbee2Mqtt_SwitchWithIsoLastSeen_StateAndPowerAtLastSeen()
    {
        var harness = Preset("zigbee2mqtt");

        // Xiaomi QBKG12LM with last_seen: ISO_8601_local (Koenkk/zigbee-herdsman-converters#1020).
        var points = harness.Map("zigbee2mqtt/salle-des-fetes", """{"power":0,"consumption":0.32,"temperature":16,"linkquality":34,"last_seen":"2020-02-26T20:44:09+01:00","state_left":"OFF","state_right":"OFF"}""");

        Assert.Equal(0, points["power"].Value);
        Assert.Equal("W", points["power"].Key.Unit);
        Assert.Equal(16, points["temperature"].Value);
        Assert.False(points.ContainsKey("state"));
        Assert.All(points.Values, p => Assert.Equal(new DateTimeOffset(2020, 2, 26, 19, 44, 9, TimeSpan.Zero), p.Timestamp));
    }

    [Fact]
    public void Zigbee2Mqtt_PlugWithEpochLastSeen_BooleanStateAndUnixMilliseconds()
    {
        var harness = Preset("zigbee2mqtt");

        var points = harness.Map("zigbee2mqtt/chaufferie-plug", """{"current":0.52,"energy":12.45,"linkquality":120,"power":118,"state":"ON","voltage":231,"last_seen":1764115200123}""");

        Assert.Equal(1, points["state"].Value);
        Assert.Equal(ValueKind.Boolean, points["state"].Key.Kind);
        Assert.Equal(12.45, points["energy"].Value);
        Assert.Equal("kWh", points["energy"].Key.Unit);
        Assert.Equal(231, points["voltage"].Value);
        Assert.Equal("V", points["voltage"].Key.Unit);
        Assert.Equal(0.52, points["current"].Value);
        Assert.Equal("A", points["current"].Key.Unit);
        Assert.All(points.Values, p => Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_115_200_123), p.Timestamp));
    }

    [Fact]
    public void Zigbee2Mqtt_BatteryAsStringAndUnmappedKeys_ReadsWhatItKnows()
    {
        var harness = Preset("zigbee2mqtt");

        // An early water-leak sensor sent its battery as a string.
        var points = harness.Map("zigbee2mqtt/cave", """{"battery":"100.00","voltage":3045,"linkquality":99,"water_leak":false}""");

        Assert.Equal(100, points["battery"].Value);
        Assert.Equal(99, points["linkquality"].Value);
        Assert.Equal(3, points.Count);
    }

    [Fact]
    public void Zigbee2Mqtt_Remote_NoReadings_BridgeTopic_NoMatch()
    {
        var harness = Preset("zigbee2mqtt");

        Assert.Empty(harness.Map("zigbee2mqtt/remote", """{"action":"single","linkquality":null}"""));
        Assert.Equal("no subscription matches topic 'zigbee2mqtt/bridge/state'", harness.Reject("zigbee2mqtt/bridge/state", """{"state":"online"}"""));
        Assert.Equal(["zigbee2mqtt/+"], harness.Mapper.SubscriptionFilters);
    }

    [Fact]
    public void ShellyGen2_SwitchStatus_PowerEnergyTemperatureAndOutput()
    {
        var harness = Preset("shelly-gen2");

        // Switch.GetStatus of a Shelly Plus 1PM, as "Generic status update over MQTT" publishes it.
        var points = harness.Map("shellyplus1pm-a8032ab12345/status/switch:0", """{"id":0, "source":"WS_in", "output":true, "apower":48.2, "voltage":231.4, "freq":50.0, "current":0.212, "aenergy":{"total":1523.457,"by_minute":[803.1,812.4,809.7],"minute_ts":1764115200}, "temperature":{"tC":41.3, "tF":106.3}}""");

        Assert.Equal(48.2, points["apower"].Value);
        Assert.Equal("W", points["apower"].Key.Unit);
        Assert.Equal(231.4, points["voltage"].Value);
        Assert.Equal(0.212, points["current"].Value);
        Assert.Equal(1523.457, points["energy"].Value);
        Assert.Equal("Wh", points["energy"].Key.Unit);
        Assert.Equal(41.3, points["temperature"].Value);
        Assert.Equal("°C", points["temperature"].Key.Unit);
        Assert.Equal(1, points["output"].Value);
        Assert.All(points.Values, p => Assert.Equal("shellyplus1pm-a8032ab12345", p.Tag("device")));
        Assert.All(points.Values, p => Assert.Equal("switch:0", p.Tag("component")));
        Assert.All(points.Values, p => Assert.Equal("shelly", p.Key.Measurement));
        Assert.Equal(["+/status/+"], harness.Mapper.SubscriptionFilters);
    }

    [Fact]
    public void ShellyGen2_OtherComponents_NoReadings()
    {
        var harness = Preset("shelly-gen2");

        Assert.Empty(harness.Map("shellyplus1pm-a8032ab12345/status/input:0", """{"id":0,"state":false}"""));
        Assert.Empty(harness.Map("shellyplus1pm-a8032ab12345/status/sys", """{"mac":"A8032AB12345","restart_required":false,"time":"10:01","unixtime":1764115260,"uptime":3600,"ram_size":246804,"ram_free":144920}"""));
    }

    [Fact]
    public void Tasmota_EnergyPlug_EnergyFieldsAtTheDeviceLocalTime()
    {
        var harness = Preset("tasmota");

        // tele/<topic>/SENSOR of a Local Bytes power-monitoring plug (mylocalbytes.com knowledge base).
        var points = harness.Map("tele/livingroom-lamp/SENSOR", """{"Time":"2022-01-11T21:57:38","ENERGY":{"TotalStartTime":"2020-10-21T22:15:00","Total":3.705,"Yesterday":0.028,"Today":0.026,"Period":1,"Power":5,"ApparentPower":5,"ReactivePower":0,"Factor":1.00,"Voltage":233,"Current":0.021}}""");

        Assert.Equal(5, points["power"].Value);
        Assert.Equal("W", points["power"].Key.Unit);
        Assert.Equal(3.705, points["energy_total"].Value);
        Assert.Equal("kWh", points["energy_total"].Key.Unit);
        Assert.Equal(0.026, points["energy_today"].Value);
        Assert.Equal(233, points["voltage"].Value);
        Assert.Equal(0.021, points["current"].Value);
        Assert.Equal(5, points.Count);
        Assert.All(points.Values, p => Assert.Equal("livingroom-lamp", p.Tag("device")));
        // Tasmota's Time is local (Europe/Paris, UTC+1 in January).
        Assert.All(points.Values, p => Assert.Equal(new DateTimeOffset(2022, 1, 11, 20, 57, 38, TimeSpan.Zero), p.Timestamp));
    }

    [Fact]
    public void Tasmota_TemperatureSensors_Ds18b20AndBme280()
    {
        var harness = Preset("tasmota");

        var ds = harness.Map("tele/chaufferie/SENSOR", """{"Time":"2026-07-14T09:00:00","DS18B20-1":{"Id":"01144F3D5BAA","Temperature":61.2},"DS18B20-2":{"Id":"0316A2799A4F","Temperature":43.9},"TempUnit":"C"}""");
        var bme = harness.Map("tele/gymnase/SENSOR", """{"Time":"2026-07-14T09:00:00","BME280":{"Temperature":19.6,"Humidity":48.1,"DewPoint":8.4,"Pressure":1012.3},"PressureUnit":"hPa","TempUnit":"C"}""");

        Assert.Equal(61.2, ds["ds18b20_1_temperature"].Value);
        Assert.Equal(43.9, ds["ds18b20_2_temperature"].Value);
        Assert.Equal("°C", ds["ds18b20_1_temperature"].Key.Unit);
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 7, 0, 0, TimeSpan.Zero), ds["ds18b20_1_temperature"].Timestamp);
        Assert.Equal(19.6, bme["bme280_temperature"].Value);
        Assert.Equal(48.1, bme["bme280_humidity"].Value);
        Assert.Equal(1012.3, bme["bme280_pressure"].Value);
        Assert.Equal("hPa", bme["bme280_pressure"].Key.Unit);
    }

    [Fact]
    public void LightingController_Status_LevelPowerLampFailureAtControllerTime()
    {
        var harness = Preset("lighting-controller");

        var points = harness.Map("lighting/rue-jean-jaures/L017/status", """{"level":40,"power":38.5,"lampFailure":false,"ts":1764115200000}""");

        Assert.Equal(40, points["level"].Value);
        Assert.Equal("%", points["level"].Key.Unit);
        Assert.Equal(38.5, points["power"].Value);
        Assert.Equal("W", points["power"].Key.Unit);
        Assert.Equal(0, points["lamp_failure"].Value);
        Assert.Equal(ValueKind.Boolean, points["lamp_failure"].Key.Kind);
        Assert.All(points.Values, p => Assert.Equal("lighting", p.Key.Measurement));
        Assert.All(points.Values, p => Assert.Equal("rue-jean-jaures", p.Tag("controller")));
        Assert.All(points.Values, p => Assert.Equal("L017", p.Tag("luminaire")));
        Assert.All(points.Values, p => Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_115_200_000), p.Timestamp));
        Assert.Equal(["lighting/+/+/status"], harness.Mapper.SubscriptionFilters);
    }

    [Fact]
    public void LightingController_LampFailure_True()
    {
        var harness = Preset("lighting-controller");

        Assert.Equal(1, harness.Map("lighting/c1/L001/status", """{"level":0,"power":0,"lampFailure":true,"ts":1764115200000}""")["lamp_failure"].Value);
    }

    [Fact]
    public void Preset_SubscriptionKeys_OverrideAndExtendThePreset()
    {
        var harness = Preset("zigbee2mqtt", o =>
        {
            o.Topic = "z2m-ecole/{device}";
            o.Measurement = "ecole";
            o.Tags["building"] = "ecole-basly";
            o.Fields.Add(new MqttFieldOptions { Name = "voltage", Unit = "mV", Kind = "integer" });
            o.Fields.Add(new MqttFieldOptions { Name = "co2", Unit = "ppm" });
        });

        var points = harness.Map("z2m-ecole/classe-3", """{"temperature":21,"voltage":2965,"co2":840}""");

        Assert.Equal("mV", points["voltage"].Key.Unit);
        Assert.Equal(ValueKind.Integer, points["voltage"].Key.Kind);
        Assert.Equal(840, points["co2"].Value);
        Assert.All(points.Values, p => Assert.Equal("ecole", p.Key.Measurement));
        Assert.All(points.Values, p => Assert.Equal("ecole-basly", p.Tag("building")));
        Assert.All(points.Values, p => Assert.Equal("classe-3", p.Tag("device")));
        Assert.Equal(["z2m-ecole/+"], harness.Mapper.SubscriptionFilters);
    }

    [Theory]
    [InlineData("zigbee2mqtt")]
    [InlineData("shelly-gen2")]
    [InlineData("tasmota")]
    [InlineData("lighting-controller")]
    public void ShippedPreset_IsValid(string name)
    {
        Assert.Empty(MqttMappingValidator.Check([new MqttMappingOptions { Preset = name }], MappingHarness.PresetDirectory));
    }
}
