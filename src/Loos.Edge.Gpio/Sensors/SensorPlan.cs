using System.Globalization;
using Loos.Edge.Core;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>The sensor chips the gateway reads.</summary>
internal enum SensorType
{
    /// <summary>Maxim DS18B20 thermometer on 1-Wire, read through the kernel's w1_therm driver.</summary>
    Ds18b20,

    /// <summary>Bosch BME280: temperature, humidity and pressure on I²C.</summary>
    Bme280,

    /// <summary>Bosch BMP280: temperature and pressure on I²C.</summary>
    Bmp280,

    /// <summary>Sensirion SHT30/31/35: temperature and humidity on I²C.</summary>
    Sht3x,
}

/// <summary>The quantities of a sensor: each is a field of the sensor's series.</summary>
internal enum SensorQuantity
{
    Temperature,
    Humidity,
    Pressure,
}

/// <summary>One sensor ready to poll.</summary>
/// <param name="Name">The sensor name, the <c>device</c> tag.</param>
/// <param name="Type">The chip.</param>
/// <param name="Bus">The bus, for logs and health: <c>w1_bus_master1</c> or <c>i2c-1</c>.</param>
/// <param name="Address">Where the sensor is on its bus, for logs: the 1-Wire device id or the I²C address (<c>0x76</c>).</param>
/// <param name="OneWireBusId">The 1-Wire bus master; null for an I²C sensor.</param>
/// <param name="OneWireDeviceId">The 1-Wire device id; null for an I²C sensor.</param>
/// <param name="I2cBus">The I²C bus number; 0 for a 1-Wire sensor.</param>
/// <param name="I2cAddress">The 7-bit I²C address; 0 for a 1-Wire sensor.</param>
/// <param name="Interval">How often the sensor is read.</param>
/// <param name="Measurement">The measurement of its series.</param>
/// <param name="Tags">The tags of its series, <c>device</c> and <c>home</c> included.</param>
/// <param name="Offsets">The corrections, indexed by <see cref="SensorQuantity"/>.</param>
internal sealed record SensorPlan(
    string Name,
    SensorType Type,
    string Bus,
    string Address,
    string? OneWireBusId,
    string? OneWireDeviceId,
    int I2cBus,
    int I2cAddress,
    TimeSpan Interval,
    string Measurement,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<double> Offsets)
{
    public const string DefaultMeasurement = "environment";

    /// <summary>The type as the site file spells it: <c>ds18b20</c>, <c>bme280</c>, <c>bmp280</c>, <c>sht3x</c>.</summary>
    public string TypeName => SensorPlanner.TypeNames[(int)Type];

    /// <summary>The quantities the chip measures, in the order its readings are written.</summary>
    public IReadOnlyList<SensorQuantity> Quantities => QuantitiesOf(Type);

    public static IReadOnlyList<SensorQuantity> QuantitiesOf(SensorType type) => type switch
    {
        SensorType.Ds18b20 => [SensorQuantity.Temperature],
        SensorType.Bme280 => [SensorQuantity.Temperature, SensorQuantity.Humidity, SensorQuantity.Pressure],
        SensorType.Bmp280 => [SensorQuantity.Temperature, SensorQuantity.Pressure],
        SensorType.Sht3x => [SensorQuantity.Temperature, SensorQuantity.Humidity],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The series key of <paramref name="quantity"/>: field <c>temperature</c> in °C, <c>humidity</c> in %, <c>pressure</c> in hPa.</summary>
    public SeriesKey SeriesOf(SensorQuantity quantity) => quantity switch
    {
        SensorQuantity.Temperature => new SeriesKey(Measurement, Tags, "temperature", "°C"),
        SensorQuantity.Humidity => new SeriesKey(Measurement, Tags, "humidity", "%"),
        SensorQuantity.Pressure => new SeriesKey(Measurement, Tags, "pressure", "hPa"),
        _ => throw new ArgumentOutOfRangeException(nameof(quantity), quantity, null),
    };
}

/// <summary>Turns <c>gpio:sensors</c> into poll plans, collecting every problem with its key path.</summary>
internal static class SensorPlanner
{
    public const string DefaultOneWireBusId = "w1_bus_master1";
    public const int DefaultI2cBus = 1;

    internal static readonly string[] TypeNames = ["ds18b20", "bme280", "bmp280", "sht3x"];

    // The w1_therm driver serves these families with the same w1_slave format (Linux drivers/w1/slaves/w1_therm.c):
    // DS18S20 (10), DS1822 (22), DS18B20 and MAX31820 (28), DS1825 and MAX31850 (3b), DS28EA00 (42).
    private static readonly string[] ThermometerFamilies = ["10", "22", "28", "3b", "42"];

    public static IReadOnlyList<SensorPlan> Plan(GpioOptions options, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        var plans = new List<SensorPlan>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var places = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Sensors.Count; index++)
        {
            var path = $"{GpioOptions.SectionName}:sensors:{index}";
            if (options.Sensors[index] is not { } sensor)
            {
                problems.Add(path, "is empty");
                continue;
            }

            if (PlanSensor(sensor, index, path, names, places, problems) is { } plan)
            {
                plans.Add(plan);
            }
        }

        return plans;
    }

    /// <summary>Parses an I²C address written as <c>0x76</c> or <c>118</c>.</summary>
    public static bool TryParseAddress(string? text, out int address)
    {
        address = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        return trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address)
            : int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out address);
    }

    /// <summary>The addresses the chip can answer at, the first one being the default.</summary>
    public static int[] AddressesOf(SensorType type) => type switch
    {
        // BME280 datasheet 6.2 and BMP280 datasheet 5.2: SDO to GND gives 0x76, SDO to VDDIO 0x77.
        SensorType.Bme280 or SensorType.Bmp280 => [0x76, 0x77],

        // SHT3x-DIS datasheet table 7: ADDR to VSS gives 0x44, ADDR to VDD 0x45.
        SensorType.Sht3x => [0x44, 0x45],
        _ => [],
    };

    public static string FormatAddress(int address) => "0x" + address.ToString("x2", CultureInfo.InvariantCulture);

    private static SensorPlan? PlanSensor(SensorOptions sensor, int index, string path, Dictionary<string, int> names, Dictionary<string, string> places, ConfigurationProblems problems)
    {
        var problemsBefore = problems.Count;
        if (string.IsNullOrWhiteSpace(sensor.Name))
        {
            problems.Add($"{path}:name", "is required");
        }
        else if (names.TryGetValue(sensor.Name, out var other))
        {
            problems.Add($"{path}:name", $"'{sensor.Name}' is also the name of gpio:sensors:{other}");
        }
        else
        {
            names[sensor.Name] = index;
        }

        SensorType? type = sensor.Type?.Trim().ToLowerInvariant() switch
        {
            "ds18b20" => SensorType.Ds18b20,
            "bme280" => SensorType.Bme280,
            "bmp280" => SensorType.Bmp280,
            "sht3x" => SensorType.Sht3x,
            _ => null,
        };
        if (type is null)
        {
            problems.Add(
                $"{path}:type",
                string.IsNullOrWhiteSpace(sensor.Type) ? $"is required: one of {string.Join(", ", TypeNames)}" : $": '{sensor.Type}' is not one of {string.Join(", ", TypeNames)}");
        }

        string bus = string.Empty, address = string.Empty;
        string? busId = null, deviceId = null;
        int i2cBus = 0, i2cAddress = 0;
        var sensorName = string.IsNullOrWhiteSpace(sensor.Name) ? path : $"sensor '{sensor.Name}'";
        if (type == SensorType.Ds18b20)
        {
            if (sensor.Bus is not null)
            {
                problems.Add($"{path}:bus", "applies to I²C sensors; a 1-Wire sensor is found by busId and deviceId");
            }

            if (sensor.Address is not null)
            {
                problems.Add($"{path}:address", "applies to I²C sensors; a 1-Wire sensor is found by its deviceId (e.g. 28-0316a2795aff)");
            }

            busId = string.IsNullOrWhiteSpace(sensor.BusId) ? DefaultOneWireBusId : sensor.BusId.Trim();
            if (!IsBusMasterName(busId))
            {
                problems.Add($"{path}:busId", $": '{busId}' is not a 1-Wire bus master name (w1_bus_master1, w1_bus_master2, …)");
            }

            deviceId = sensor.DeviceId?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(deviceId))
            {
                problems.Add($"{path}:deviceId", "is required: the directory name under /sys/bus/w1/devices, e.g. 28-0316a2795aff");
            }
            else if (!IsDeviceId(deviceId))
            {
                problems.Add($"{path}:deviceId", $": '{sensor.DeviceId}' is not a 1-Wire device id (two hex digits of family, '-', twelve hex digits of serial number, e.g. 28-0316a2795aff)");
            }
            else if (!ThermometerFamilies.Contains(deviceId[..2], StringComparer.Ordinal))
            {
                problems.Add($"{path}:deviceId", $": family {deviceId[..2]} is not a thermometer (a DS18B20 is family 28)");
            }
            else if (places.TryGetValue(deviceId, out var owner))
            {
                problems.Add($"{path}:deviceId", $": {deviceId} is also {owner}");
            }
            else
            {
                places[deviceId] = sensorName;
            }

            bus = busId;
            address = deviceId ?? string.Empty;
        }
        else if (type is { } i2cType)
        {
            if (sensor.BusId is not null || sensor.DeviceId is not null)
            {
                problems.Add($"{path}:{(sensor.DeviceId is not null ? "deviceId" : "busId")}", "applies to 1-Wire sensors; an I²C sensor is found by bus and address");
            }

            i2cBus = sensor.Bus ?? DefaultI2cBus;
            var placeKnown = i2cBus >= 0;
            if (!placeKnown)
            {
                problems.Add($"{path}:bus", $": {i2cBus} is not an I²C bus number (/dev/i2c-1 is bus 1)");
            }

            var allowed = AddressesOf(i2cType);
            var allowedText = string.Join(", ", allowed.Select(FormatAddress));
            if (sensor.Address is null)
            {
                i2cAddress = allowed[0];
            }
            else if (!TryParseAddress(sensor.Address, out i2cAddress))
            {
                placeKnown = false;
                problems.Add($"{path}:address", $": '{sensor.Address}' is not an I²C address (hexadecimal such as 0x76, or decimal such as 118)");
            }
            else if (!allowed.Contains(i2cAddress))
            {
                placeKnown = false;
                problems.Add($"{path}:address", $": {FormatAddress(i2cAddress)} is not an address of a {TypeNames[(int)i2cType]} ({allowedText})");
            }

            bus = $"i2c-{i2cBus}";
            address = FormatAddress(i2cAddress);
            if (placeKnown)
            {
                var place = $"{address} on I²C bus {i2cBus}";
                if (places.TryGetValue(place, out var owner))
                {
                    problems.Add($"{path}:address", $": {place} is also the address of {owner}");
                }
                else
                {
                    places[place] = sensorName;
                }
            }
        }

        if (sensor.Interval <= TimeSpan.Zero)
        {
            problems.Add($"{path}:interval", "must be positive");
        }

        if (string.IsNullOrWhiteSpace(sensor.Measurement))
        {
            problems.Add($"{path}:measurement", $"must not be empty (default {SensorPlan.DefaultMeasurement})");
        }

        foreach (var (key, value) in sensor.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{path}:tags:{key}", "must have a non-empty name and value");
            }
            else if (key is "home" or "device")
            {
                problems.Add($"{path}:tags:{key}", $": the {key} tag comes from the sensor's {(key == "home" ? "home" : "name")} key");
            }
        }

        var offsets = new double[3];
        if (sensor.Offset is { } offset)
        {
            offsets[(int)SensorQuantity.Temperature] = offset.Temperature;
            offsets[(int)SensorQuantity.Humidity] = offset.Humidity;
            offsets[(int)SensorQuantity.Pressure] = offset.Pressure;
            for (var quantity = 0; quantity < offsets.Length; quantity++)
            {
                var name = ((SensorQuantity)quantity).ToString().ToLowerInvariant();
                if (!double.IsFinite(offsets[quantity]))
                {
                    problems.Add($"{path}:offset:{name}", "must be a finite number");
                }
                else if (offsets[quantity] != 0 && type is { } known && !SensorPlan.QuantitiesOf(known).Contains((SensorQuantity)quantity))
                {
                    problems.Add($"{path}:offset:{name}", $": a {TypeNames[(int)known]} measures no {name}");
                }
            }
        }

        if (problems.Count > problemsBefore)
        {
            return null;
        }

        var tags = sensor.Tags.Select(t => new Tag(t.Key, t.Value)).ToList();
        tags.Add(new Tag("device", sensor.Name));
        if (!string.IsNullOrWhiteSpace(sensor.Home))
        {
            tags.Add(new Tag("home", sensor.Home));
        }

        return new SensorPlan(sensor.Name, type!.Value, bus, address, busId, deviceId, i2cBus, i2cAddress, sensor.Interval, sensor.Measurement, tags, offsets);
    }

    private static bool IsBusMasterName(string busId) =>
        busId.StartsWith("w1_bus_master", StringComparison.Ordinal)
        && busId.Length > "w1_bus_master".Length
        && busId.AsSpan("w1_bus_master".Length).IndexOfAnyExceptInRange('0', '9') < 0;

    private static bool IsDeviceId(string deviceId) =>
        deviceId.Length == 15
        && deviceId[2] == '-'
        && deviceId.Remove(2, 1).All(char.IsAsciiHexDigitLower);
}
