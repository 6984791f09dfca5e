using Loos.Edge.Modbus.Polling;
using Loos.Edge.Testing;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Modbus.Tests.Polling;

public sealed class ModbusOptionsValidatorTests
{
    private static string FirmwareConfig => Path.Combine(RepositoryPaths.Root, "firmware-config");

    private static string ProfileDirectory => Path.Combine(FirmwareConfig, "profiles");

    [Fact]
    public void Check_UnknownPointType_MessageStartsWithTheKeyPathAndListsTheTypes()
    {
        var options = Options();
        options.Buses[0].Devices.Add(ModbusBusPollerTests.Device("second", 2, ModbusBusPollerTests.Point("a", "input", 0, "u16"), ModbusBusPollerTests.Point("b", "input", 2, "u16"), ModbusBusPollerTests.Point("c", "input", 4, "u16"), ModbusBusPollerTests.Point("d", "input", 6, "f16")));

        var problem = Assert.Single(ModbusOptionsValidator.Check(options));

        Assert.Equal("modbus:buses:0:devices:1:points:3:type 'f16' is not one of u16, i16, u32, i32, u64, i64, f32, f64, bit", problem);
    }

    [Theory]
    [InlineData("kind", "serial", "modbus:buses:0:kind 'serial' is not one of tcp, rtu, rtu-over-tcp")]
    [InlineData("parity", "X", "modbus:buses:0:parity 'X' is not one of N, E, O")]
    [InlineData("unitId", "248", "modbus:buses:0:devices:0:unitId 248 is not between 1 and 247")]
    [InlineData("order", "ADCB", "modbus:buses:0:devices:0:points:0:order 'ADCB' is not one of ABCD, CDAB, BADC, DCBA")]
    [InlineData("table", "registers", "modbus:buses:0:devices:0:points:0:table 'registers' is not one of holding, input, coil, discrete-input")]
    [InlineData("type", "string(8)", "modbus:buses:0:devices:0:points:0:type 'string(8)' cannot be polled into a series")]
    [InlineData("address", "65535", "modbus:buses:0:devices:0:points:0:address 65535 is not between 0 and 65535")]
    [InlineData("maxRegistersPerRequest", "126", "modbus:buses:0:devices:0:maxRegistersPerRequest 126 is not between 1 and 125")]
    [InlineData("concurrency", "2", "modbus:buses:0:concurrency must be 1 on a serial line")]
    [InlineData("profile", "no-such-meter", "modbus:buses:0:devices:0:profile 'no-such-meter' is not in ")]
    public void Check_BadValue_OneMessageNamingTheKey(string key, string value, string expectedStart)
    {
        var options = Options();
        var bus = options.Buses[0];
        var device = bus.Devices[0];
        var point = device.Points[0];
        switch (key)
        {
            case "kind": bus.Kind = value; break;
            case "parity": bus.Parity = value; break;
            case "concurrency": bus.Concurrency = int.Parse(value); break;
            case "unitId": device.UnitId = int.Parse(value); break;
            case "maxRegistersPerRequest": device.MaxRegistersPerRequest = int.Parse(value); break;
            case "profile": device.Profile = value; break;
            case "order": point.Order = value; break;
            case "table": point.Table = value; break;
            case "type": point.Type = value; break;
            case "address": point.Address = int.Parse(value); break;
        }

        var problem = Assert.Single(ModbusOptionsValidator.Check(options));

        Assert.StartsWith(expectedStart, problem);
    }

    [Fact]
    public void Check_ValidOptions_NoProblem()
    {
        Assert.Empty(ModbusOptionsValidator.Check(Options()));
    }

    [Fact]
    public void Check_DuplicateNames_Reported()
    {
        var options = Options();
        options.Buses[0].Devices.Add(ModbusBusPollerTests.Device("meter", 2, ModbusBusPollerTests.Point("x", "input", 0, "u16"), ModbusBusPollerTests.Point("x", "input", 1, "u16")));

        var problems = ModbusOptionsValidator.Check(options);

        Assert.Contains("modbus:buses:0:devices:1:name 'meter' is used by another device on this bus", problems);
        Assert.Contains("modbus:buses:0:devices:1:points:1:name 'x' is used by another point of this device", problems);
    }

    [Fact]
    public void Check_SunSpecDevice_NeedsNoPointsOrProfile()
    {
        var options = Options();
        options.Buses[0].Devices.Add(new ModbusDeviceOptions { Name = "inverter", UnitId = 126, SunSpec = true, SunSpecModels = { 101, 160 } });

        Assert.Empty(ModbusOptionsValidator.Check(options));
    }

    [Fact]
    public void Check_SunSpecWithProfileOrPoints_MessagesStartWithTheKeyPath()
    {
        var options = Options();
        options.Buses[0].Devices[0].SunSpec = true;
        options.Buses[0].Devices.Add(new ModbusDeviceOptions { Name = "inverter", UnitId = 2, SunSpec = true, Profile = "eastron-sdm120" });

        var problems = ModbusOptionsValidator.Check(options);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("modbus:buses:0:devices:0:sunspec cannot be combined with points", problems[0]);
        Assert.StartsWith("modbus:buses:0:devices:1:sunspec cannot be combined with profile 'eastron-sdm120'", problems[1]);
    }

    [Fact]
    public void Check_SunSpecModelsWithoutSunSpecOrOutOfRange_MessagesStartWithTheKeyPath()
    {
        var options = Options();
        options.Buses[0].Devices[0].SunSpecModels.Add(101);
        options.Buses[0].Devices.Add(new ModbusDeviceOptions { Name = "inverter", UnitId = 2, SunSpec = true, SunSpecModels = { 101, 65535 } });

        var problems = ModbusOptionsValidator.Check(options);

        Assert.Equal(
            ["modbus:buses:0:devices:0:sunspecModels needs sunspec: true", "modbus:buses:0:devices:1:sunspecModels:1 65535 is not a SunSpec model id (1 to 65534)"],
            problems);
    }

    [Theory]
    [InlineData("eastron-sdm630", 32)]
    [InlineData("eastron-sdm120", 13)]
    public void Check_ShippedProfile_LoadsAndValidates(string profile, int expectedPoints)
    {
        var options = new ModbusOptions { ProfileDirectory = ProfileDirectory };
        options.Buses.Add(new ModbusBusOptions { Name = "rs485", Kind = "rtu", Device = "/dev/ttyUSB0", Devices = { new ModbusDeviceOptions { Name = "meter", Profile = profile } } });

        Assert.Empty(ModbusOptionsValidator.Check(options));
        var plan = ModbusPlanner.Plan(options, []);
        var device = Assert.Single(Assert.Single(plan).Devices);
        Assert.Equal(expectedPoints, device.Groups.Sum(g => g.Points.Count));
        Assert.All(device.Groups.SelectMany(g => g.Blocks), b => Assert.InRange(b.Count, 1, 80));
    }

    [Fact]
    public void ShippedProfiles_EveryFileLoadsAndValidates()
    {
        var files = Directory.GetFiles(ProfileDirectory, "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var options = new ModbusOptions { ProfileDirectory = ProfileDirectory };
            options.Buses.Add(new ModbusBusOptions { Name = "rs485", Kind = "rtu", Device = "/dev/ttyUSB0", Devices = { new ModbusDeviceOptions { Name = "meter", Profile = Path.GetFileNameWithoutExtension(file) } } });
            Assert.Empty(ModbusOptionsValidator.Check(options));
        }
    }

    [Fact]
    public void Sdm630Profile_PowerRegister_IsTheDatasheetAddress()
    {
        var profile = DeviceProfile.Load(Path.Combine(ProfileDirectory, "eastron-sdm630.yaml"));

        // Datasheet register 30053 "total system power" is input address 52 (0x34).
        var power = Assert.Single(profile.Points, p => p.Name == "power_w");
        Assert.Equal((52, "input", "f32", "W"), (power.Address!.Value, power.Table, power.Type, power.Unit));
    }

    [Fact]
    public void DeviceProfileLoad_BrokenYaml_MessageHasTheFileAndLine()
    {
        var (exception, file) = LoadFaultyProfile("description: x\npoints:\n  - name: a\n    address: [1, 2\n");

        Assert.StartsWith(file + ":", exception.Message);
    }

    [Fact]
    public void DeviceProfileLoad_UnknownKeys_EachWithItsLineAndTheKnownKeys()
    {
        var (exception, file) = LoadFaultyProfile("description: x\nmeasurment: electricity\npoints:\n  - { name: a, table: input, adress: 12, type: f32 }\n");

        Assert.Equal(
            [
                $"{file}:2: unknown key 'measurment' (known here: description, measurement, maxRegistersPerRequest, maxGapRegisters, points).",
                $"{file}:4: points:0:adress: unknown key 'adress' (known here: name, table, address, type, order, scale, offset, unit, interval, measurement).",
            ],
            exception.Problems);
    }

    [Fact]
    public void DeviceProfileLoad_ValueNotANumber_FileLineAndKey()
    {
        var (exception, file) = LoadFaultyProfile("description: x\npoints:\n  - { name: a, table: input, address: twelve, type: f32 }\n");

        Assert.Equal($"{file}:3: points:0:address: 'twelve' is not a valid whole number.", exception.Message);
    }

    /// <summary>Loads <paramref name="yaml"/> as a profile file in a folder of its own: what Load threw, and the file's path.</summary>
    private static (DeviceProfileException Exception, string File) LoadFaultyProfile(string yaml)
    {
        var directory = Directory.CreateTempSubdirectory("loos-edge-profile-");
        try
        {
            var file = Path.Combine(directory.FullName, "profile.yaml");
            File.WriteAllText(file, yaml);
            return (Assert.Throws<DeviceProfileException>(() => DeviceProfile.Load(file)), file);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static ModbusOptions Options()
    {
        var options = new ModbusOptions { ProfileDirectory = ProfileDirectory };
        options.Buses.Add(ModbusBusPollerTests.Bus(ModbusBusPollerTests.Device("meter", 1, ModbusBusPollerTests.Point("power_w", "input", 0, "f32"))));
        return options;
    }
}
