using System.Text.RegularExpressions;
using Loos.Edge.Buffer;
using Loos.Edge.Forwarding;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.Simulation;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;

namespace Loos.Edge.Tests;

public sealed class SiteConfigurationTests : SiteFileTest
{
    [Fact]
    public void Load_DemoSiteFile_IsValid()
    {
        var demo = Path.Combine(RepositoryPaths.Root, "firmware-config", "site.demo.yaml");

        var site = SiteConfiguration.Load(demo);

        Assert.Equal("loos-demo", site.Name);
        Assert.True(site.Options<SimulationOptions>().Enabled);
        Assert.Equal(3, site.Options<SimulationOptions>().Homes.Count);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, ".work", "demo", "buffer"), site.Options<BufferOptions>().Directory);
    }

    [Fact]
    public void Load_ExampleSiteFile_IsValidOnceItsTokenFileExists()
    {
        var folder = Directory.CreateTempSubdirectory("loos-edge-example-").FullName;
        var tokenFile = Path.Combine(folder, "influx-token");
        var example = Path.Combine(folder, "site.yaml");
        File.WriteAllText(example, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "firmware-config", "site.example.yaml")).Replace("/etc/loos-edge/influx-token", tokenFile, StringComparison.Ordinal));

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(example)).Problems);
        Assert.Matches($@"^{Regex.Escape(example)}:\d+: forwarder:targets:0:tokenFile: '{Regex.Escape(tokenFile)}' does not exist: create it with the secret in it", problem);

        File.WriteAllText(tokenFile, "token\n");
        Assert.NotEmpty(SiteConfiguration.Load(example).Options<ForwarderOptions>().Targets);
    }

    [Fact]
    public void Load_EmptySecretFile_SaysItIsEmpty()
    {
        var folder = Directory.CreateTempSubdirectory("loos-edge-secret-").FullName;
        File.WriteAllText(Path.Combine(folder, "password"), "\n");
        var path = Path.Combine(folder, "site.yaml");
        File.WriteAllText(path, """
            buffer:
              directory: buffer
            forwarder:
              targets:
                - name: influx
                  api: v1
                  url: http://127.0.0.1:8086
                  database: loos_edge
                  username: gateway
                  passwordFile: password
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:10: forwarder:targets:0:passwordFile: '{Path.Combine(folder, "password")}' is empty: write the secret in it", problem);
    }

    [Fact]
    public void Load_MissingBufferDirectory_OneProblem()
    {
        var path = Write("""
            forwarder:
              targets:
                - name: influx
                  api: v1
                  url: http://127.0.0.1:8086
                  database: loos_edge
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Contains("buffer:directory is required", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValueThatDoesNotConvert_NoCascadeIntoSectionsThatReadIt()
    {
        var path = Write("""
            buffer:
              directory: buffer
            forwarder:
              targets:
                - name: influx
                  api: v3
                  url: http://127.0.0.1:8086
                  database: loos_edge
            heating:
              tariffEurPerKwh: 0.12
              djuNormal: 2400
              publishSeries: true
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.EndsWith(":6: forwarder:targets:0:api: 'v3' is not one of v1, v2.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKey_NamesFileLineAndKnownKeys()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
              capBites: 1000
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:3: buffer:capBites: unknown key 'capBites'", problem, StringComparison.Ordinal);
        Assert.Contains("capBytes", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyInsideListItem_NamesIndexedKeyAndLine()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            forwarder:
              targets:
                - name: central
                  api: v1
                  url: http://127.0.0.1:8086
                  database: edge
                  passwrd: secret
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:9: forwarder:targets:0:passwrd: unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ValueOfWrongType_NamesLineKeyAndExpectedForm()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
              maxCommitDelay: soon
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:3: buffer:maxCommitDelay: 'soon' is not a valid duration", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenYaml_NamesLineAndColumn()
    {
        var path = Write("buffer:\n  directory: [unclosed\n");

        var exception = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.StartsWith($"{path}:", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralProblems_ListsEveryOne()
    {
        var path = Write("""
            sitee:
              name: x
            buffer:
              directory: ""
            forwarder:
              targets:
                - name: central
                  api: v2
                  url: not-a-url
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:1: unknown section 'sitee'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("buffer:directory", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("forwarder:targets:0:url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("forwarder:targets:0:bucket", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RelativePaths_ResolvedAgainstTheSiteFileFolder()
    {
        var path = Write("""
            buffer:
              directory: data/buffer
            forwarder:
              targets:
                - name: central
                  api: v2
                  url: http://127.0.0.1:8086
                  org: loos
                  bucket: edge
                  tokenFile: secrets/token
            """);
        Directory.CreateDirectory(Path.Combine(Folder, "secrets"));
        File.WriteAllText(Path.Combine(Folder, "secrets", "token"), "token\n");

        var site = SiteConfiguration.Load(path);

        Assert.Equal(Path.Combine(Folder, "data", "buffer"), site.Options<BufferOptions>().Directory);
        Assert.Equal(Path.Combine(Folder, "secrets", "token"), site.Options<ForwarderOptions>().Targets[0].TokenFile);
    }

    [Fact]
    public void Load_ModbusExampleSiteFile_IsValidWithItsProfiles()
    {
        var example = Path.Combine(RepositoryPaths.Root, "firmware-config", "site.modbus-example.yaml");

        var site = SiteConfiguration.Load(example);

        Assert.Equal(Path.Combine(RepositoryPaths.Root, "firmware-config", "profiles"), site.Options<ModbusOptions>().ProfileDirectory);
        Assert.Equal(3, site.Options<ModbusOptions>().Buses.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(500), site.Options<ModbusOptions>().Buses[0].ResponseTimeout);
        Assert.Equal("ecole-basly", site.Options<ModbusOptions>().Buses[0].Devices[0].Tags["building"]);
        Assert.Equal(0.001, site.Options<ModbusOptions>().Buses[1].Devices[0].Points[1].Scale);
        Assert.Equal([101, 160], site.Options<ModbusOptions>().Buses[2].Devices.Single(d => d.SunSpec).SunSpecModels);
    }

    [Fact]
    public void Load_ModbusDeviceWithTagsAndATypo_AcceptsTagsAndNamesTheTypoLine()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            modbus:
              buses:
                - name: meters
                  kind: tcp
                  host: 127.0.0.1
                  devices:
                    - name: main-meter
                      unitId: 1
                      tags:
                        building: school
                      points:
                        - name: power
                          address: 12
                          type: f32
                          intervall: 00:00:10
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:17: modbus:buses:0:devices:0:points:0:intervall: unknown key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModbusPointOfUnknownType_NamesItsLine()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            modbus:
              buses:
                - name: meters
                  kind: tcp
                  host: 127.0.0.1
                  devices:
                    - name: main-meter
                      points:
                        - name: power
                          address: 12
                          type: f16
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains(problems, p => p.StartsWith($"{path}:13: modbus:buses:0:devices:0:points:0:type 'f16'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ListOfNumbersWithAWord_NamesTheItemAndItsLine()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            modbus:
              buses:
                - name: roof
                  kind: tcp
                  host: 127.0.0.1
                  devices:
                    - name: inverter
                      sunspec: true
                      sunspecModels: [101, inverter]
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:11: modbus:buses:0:devices:0:sunspecModels:1: 'inverter' is not a valid whole number", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MBusExampleSiteFile_IsValid()
    {
        var example = Path.Combine(RepositoryPaths.Root, "firmware-config", "site.mbus-example.yaml");

        var site = SiteConfiguration.Load(example);

        Assert.Equal("Europe/Paris", site.Options<MBusOptions>().MeterTimeZone);
        Assert.Equal(2, site.Options<MBusOptions>().Lines.Count);
        var cellar = site.Options<MBusOptions>().Lines[0];
        Assert.Equal(("/dev/ttyUSB0", "E", TimeSpan.FromMilliseconds(300)), (cellar.Device, cellar.Parity, cellar.ResponseTimeout));
        Assert.Equal((5, (string?)null, "12"), (cellar.Meters[0].Address, cellar.Meters[0].Secondary, cellar.Meters[0].Home));
        Assert.Equal(((int?)null, "06855817"), (cellar.Meters[1].Address, cellar.Meters[1].Secondary));
        Assert.Equal("residence-les-tilleuls", cellar.Meters[1].Tags["building"]);
        Assert.Equal(("all-records", TimeSpan.FromHours(1)), (site.Options<MBusOptions>().Lines[1].Meters[0].Profile, site.Options<MBusOptions>().Lines[1].Meters[0].Interval));
    }

    [Fact]
    public void Load_MBusProblems_NameFileLineAndKey()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
            mbus:
              meterTimeZone: Europe/Lille
              lines:
                - name: cellar
                  device: /dev/ttyUSB0
                  parity: X
                  meters:
                    - name: home-12
                      home: "12"
                      address: 251
                    - name: home-14
                      home: "14"
                      secondary: "0685"
                    - name: home-16
                      adress: 7
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        Assert.Contains($"{path}:4: mbus:meterTimeZone: 'Europe/Lille' is not a known time zone (an IANA name such as Europe/Paris)", problems);
        Assert.Contains(problems, p => p.StartsWith($"{path}:8: mbus:lines:0:parity 'X' is not one of N, E, O", StringComparison.Ordinal));
        Assert.Contains($"{path}:12: mbus:lines:0:meters:0:address: 251 is not a primary address (0-250, 254)", problems);
        Assert.Contains(problems, p => p.StartsWith($"{path}:15: mbus:lines:0:meters:1:secondary: '0685' is not 8 identification digits", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"{path}:17: mbus:lines:0:meters:2:adress: unknown key 'adress'", StringComparison.Ordinal));
    }
}
