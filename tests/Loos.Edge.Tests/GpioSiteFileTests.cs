using Loos.Edge.Gpio;
using Loos.Edge.Gpio.Pulses;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;

namespace Loos.Edge.Tests;

public sealed class GpioSiteFileTests : SiteFileTest
{
    [Fact]
    public void Load_GpioExampleSiteFile_IsValidWithItsCountersAndSensors()
    {
        var example = Path.Combine(RepositoryPaths.Root, "firmware-config", "site.gpio-example.yaml");

        var site = SiteConfiguration.Load(example);

        Assert.Equal("board", site.Options<GpioOptions>().Driver);
        Assert.Equal("/var/lib/loos-edge/pulse-counters", site.Options<GpioOptions>().StateDirectory);
        Assert.Equal(2, site.Options<GpioOptions>().PulseCounters.Count);
        var electricity = site.Options<GpioOptions>().PulseCounters[0];
        Assert.Equal(
            ("general-electricity", 17, PulseEdge.Falling, TimeSpan.FromMilliseconds(5), PulseQuantity.Energy, 1000.0, "Wh", 45_210_000.0),
            (electricity.Name, electricity.Pin, electricity.Edge, electricity.Debounce, electricity.Quantity, electricity.PulsesPerUnit, electricity.Unit, electricity.InitialValue));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)), (electricity.Interval, electricity.PersistInterval));
        Assert.Equal("residence-les-tilleuls", electricity.Tags["building"]);
        var water = site.Options<GpioOptions>().PulseCounters[1];
        Assert.Equal((27, PulseQuantity.Volume, 100.0, "m³", "12", 312.46), (water.Pin, water.Quantity, water.PulsesPerUnit, water.Unit, water.Home, water.InitialValue));
        Assert.Equal(["ds18b20", "bme280"], site.Options<GpioOptions>().Sensors.Select(s => s.Type));
        Assert.Equal(("0x76", "12"), (site.Options<GpioOptions>().Sensors[1].Address, site.Options<GpioOptions>().Sensors[1].Home));
    }

    [Fact]
    public void Load_SimulatedDriver_EdgesPathResolvedBesideTheSiteFile()
    {
        var path = Write("""
            buffer:
              directory: data/buffer
            gpio:
              driver: simulated
              simulatedEdges: gpio-edges
              pulseCounters:
                - name: general
                  pin: 17
                  pulsesPerUnit: 1000
            """);

        var site = SiteConfiguration.Load(path);

        Assert.Equal(Path.Combine(Folder, "gpio-edges"), site.Options<GpioOptions>().SimulatedEdges);
        Assert.Equal(Path.Combine(Folder, "data", "pulse-counters"), site.Options<GpioOptions>().StateDirectory);
    }

    [Fact]
    public void Load_BadCounters_EveryProblemWithFileLineAndKey()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            gpio:
              pulseCounters:
                - name: general
                  pin: 17
                  pulsesPerUnit: 1000
                - name: water
                  pin: 17
                  quantity: volume
                  pulsesPerUnit: 0
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:9: gpio:pulseCounters:1:pin: 17 is also the pin of counter 'general'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{path}:11: gpio:pulseCounters:1:pulsesPerUnit must be positive: the meter constant in pulses per m³", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownEdge_ListsTheEdges()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            gpio:
              pulseCounters:
                - name: general
                  pin: 17
                  pulsesPerUnit: 1000
                  edge: sideways
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:8: gpio:pulseCounters:0:edge: 'sideways' is not one of falling, rising", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownCounterKey_NamesTheKnownKeys()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            gpio:
              pulseCounters:
                - name: general
                  pin: 17
                  pulsesPerUnit: 1000
                  impulsesPerKwh: 1000
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:8: gpio:pulseCounters:0:impulsesPerKwh: unknown key", problem, StringComparison.Ordinal);
        Assert.Contains("pulsesPerUnit", problem, StringComparison.Ordinal);
        Assert.Contains("persistInterval", problem, StringComparison.Ordinal);
    }
}
