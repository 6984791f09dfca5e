using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.Mqtt;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;

namespace Loos.Edge.Tests;

public sealed class MqttSiteFileTests : SiteFileTest
{
    [Fact]
    public void Load_MqttExampleSiteFile_IsValidWithItsPresets()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "firmware-config");

        var site = SiteConfiguration.Load(Path.Combine(folder, "site.mqtt-example.yaml"));

        var mqtt = site.Options<MqttOptions>();
        Assert.True(mqtt.IsEnabled);
        Assert.Equal(("broker.loos-en-gohelle.local", 8883, true), (mqtt.Host, mqtt.EffectivePort, mqtt.Tls.Enabled));
        Assert.Equal(("loos-edge-ecole-basly", "loos-edge/ecole-basly/status"), (mqtt.EffectiveClientId, mqtt.EffectiveStatusTopic));
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromSeconds(30)), (mqtt.SessionExpiry, mqtt.KeepAlive));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), (mqtt.Reconnect.MinDelay, mqtt.Reconnect.MaxDelay));
        Assert.Equal(Path.Combine(folder, "mqtt-presets"), mqtt.PresetDirectory);
        Assert.Equal(4, mqtt.Subscriptions.Count);
        Assert.Equal("lighting-controller", mqtt.Subscriptions[0].Preset);
    }

    [Fact]
    public void Load_MqttSectionWithRelativeFiles_ResolvesThemBesideTheSiteFile()
    {
        File.WriteAllText(Path.Combine(Folder, "mqtt.credentials"), "gateway\nsecret\n");
        var path = Write("""
            buffer:
              directory: buffer
            mqtt:
              host: 127.0.0.1
              credentialsFile: mqtt.credentials
              badPayloadLogInterval: 00:05:00
              subscriptions:
                - topic: "pv/{device}/power"
                  payload: number
                  measurement: pv
                  unit: W
            """);

        var mqtt = SiteConfiguration.Load(path).Options<MqttOptions>();

        Assert.Equal(Path.Combine(Folder, "mqtt.credentials"), mqtt.CredentialsFile);
        Assert.Equal(Path.Combine(Folder, "mqtt-presets"), mqtt.PresetDirectory);
        Assert.Equal(1883, mqtt.EffectivePort);
        Assert.Equal(TimeSpan.FromMinutes(5), mqtt.BadPayloadLogInterval);
    }

    [Fact]
    public void Load_MqttWithoutClientId_NamesTheSessionAfterTheSite()
    {
        var path = Write("""
            site:
              name: Ecole Basly
            buffer:
              directory: buffer
            mqtt:
              host: 127.0.0.1
              subscriptions:
                - topic: "pv/{device}/power"
                  payload: number
                  measurement: pv
            """);

        var mqtt = SiteConfiguration.Load(path).Options<MqttOptions>();

        Assert.Equal("loos-edge-ecole-basly", mqtt.EffectiveClientId);
        Assert.Equal("loos-edge/loos-edge-ecole-basly/status", mqtt.EffectiveStatusTopic);
    }

    [Fact]
    public void Load_MqttProblems_NameFileLineAndKeyForEach()
    {
        var path = Write("""
            buffer:
              directory: buffer
            mqtt:
              host: 127.0.0.1
              port: 0
              credentialsFile: missing.credentials
              tls:
                caFile: ca.pem
              reconnect:
                minDelay: 00:00:10
                maxDelay: 00:00:01
              subscriptions:
                - topic: "pv/{device}/power"
                  payload: number
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:5: mqtt:port: 0 is not a TCP port", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{path}:6: mqtt:credentialsFile: file {Path.Combine(Folder, "missing.credentials")} does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{path}:8: mqtt:tls:caFile: set while mqtt:tls:enabled is false", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{path}:11: mqtt:reconnect:maxDelay:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mqtt:subscriptions:0:measurement", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MqttUnknownKey_NamesTheKnownKeys()
    {
        var path = Write("""
            buffer:
              directory: buffer
            mqtt:
              host: 127.0.0.1
              tls:
                enable: true
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        var unknown = Assert.Single(problems, p => p.Contains("unknown key 'enable'", StringComparison.Ordinal));
        Assert.StartsWith($"{path}:6: mqtt:tls:enable:", unknown, StringComparison.Ordinal);
        Assert.Contains("enabled", unknown, StringComparison.Ordinal);
    }
}
