using System.CommandLine;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Lighting.Tests;

/// <summary>What the lighting needs of the other sections, refused at load with the line to fix.</summary>
public sealed class LightingOutputsValidationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-lighting-outputs-").FullName;

    [Fact]
    public async Task MqttCircuits_WithoutBrokerOrStatusSubscription_RelayOnAPulseCounterPin_EachRefusedWithItsLine()
    {
        var presets = Path.Combine(RepositoryPaths.Root, "firmware-config", "mqtt-presets");
        var withoutBroker = await ValidateAsync("""
            lighting:
              circuits:
                - { name: rue, controller: armoire-12, luminaires: [l01], ratedPowerW: 400 }
              programmes:
                - { name: soir, steps: [ { at: "18:00", level: 100 }, { at: "23:00", level: 0 } ] }
              calendar:
                - { programme: soir }
            """);
        Assert.Contains("site.yaml:5: lighting:circuits:0:kind: an mqtt circuit needs the broker of the mqtt section (mqtt:host)", withoutBroker, StringComparison.Ordinal);

        var withoutStatus = await ValidateAsync($$"""
            mqtt:
              host: 127.0.0.1
              presetDirectory: {{presets}}
            gpio:
              pulseCounters:
                - { name: compteur-ecole, pin: 17, quantity: energy, pulsesPerUnit: 1000 }
            lighting:
              circuits:
                - { name: rue, controller: armoire-12, luminaires: [l01], ratedPowerW: 400 }
                - { name: gare, kind: relay, pin: 17, ratedPowerW: 400 }
              programmes:
                - { name: soir, steps: [ { at: "18:00", level: 100 }, { at: "23:00", level: 0 } ] }
              calendar:
                - { programme: soir }
            """);
        Assert.Contains("site.yaml:11: lighting:circuits:0:preset: no mqtt subscription uses preset 'lighting-controller'", withoutStatus, StringComparison.Ordinal);
        Assert.Contains("site.yaml:12: lighting:circuits:1:pin: GPIO 17 is the input of pulse counter 'compteur-ecole'", withoutStatus, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Runs <c>config validate</c> on a site with <paramref name="sections"/>; returns what it printed on standard error.</summary>
    private async Task<string> ValidateAsync(string sections)
    {
        var path = Path.Combine(folder, "site.yaml");
        await File.WriteAllTextAsync(path, "buffer:\n  directory: buffer\n" + sections);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LoosEdgeCommand.InvokeAsync(["config", "validate", "--config", path], new InvocationConfiguration { Output = output, Error = error });
        Assert.Equal(2, exitCode);
        return error.ToString();
    }
}
