using System.Globalization;

namespace Loos.Edge.Gpio.Sensors;

/// <summary>
/// Reads a 1-Wire thermometer through the kernel's w1_therm driver: each read of
/// <c>{devicesPath}/{busId}/{deviceId}/w1_slave</c> makes the driver start a conversion, wait for it (750 ms at 12 bits,
/// DS18B20 datasheet table 2) and print the scratchpad with its CRC verdict and the temperature.
/// </summary>
/// <remarks>
/// Iot.Device.OneWire's <c>OneWireThermometerDevice</c> reads the same file, but from a fixed <c>/sys</c> path and
/// without telling a CRC mismatch from a power-on reset value; this reader takes the root as a parameter, so a test or
/// a demo points it at a directory of <c>w1_slave</c> files, and turns each failure into a problem text.
/// </remarks>
internal sealed class OneWireThermometerReader(string devicesPath, string busId, string deviceId) : ISensorReader
{
    /// <summary>Where the kernel lists 1-Wire bus masters and devices.</summary>
    public const string DefaultDevicesPath = "/sys/bus/w1/devices";

    /// <summary>The file the reader opens.</summary>
    public string SlaveFilePath { get; } = Path.Combine(devicesPath, busId, deviceId, "w1_slave");

    public bool TryRead(out SensorSample sample, out string problem)
    {
        sample = new SensorSample(double.NaN, double.NaN, double.NaN);
        string text;
        try
        {
            text = File.ReadAllText(SlaveFilePath);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // The driver removes the device directory once its bus search stops finding the sensor.
            problem = $"{SlaveFilePath} does not exist (sensor not found on the bus)";
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"reading {SlaveFilePath} failed: {exception.Message}";
            return false;
        }

        if (!W1SlaveText.TryParse(text, out var celsius, out problem))
        {
            return false;
        }

        sample = new SensorSample(celsius, double.NaN, double.NaN);
        return true;
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// The text of a w1_therm <c>w1_slave</c> file (Linux drivers/w1/slaves/w1_therm.c, <c>w1_slave_show</c>):
/// <code>
/// 72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
/// 72 01 4b 46 7f ff 0e 10 57 t=23125
/// </code>
/// the nine scratchpad bytes with the driver's CRC verdict, then the same bytes and the temperature in m°C.
/// </summary>
internal static class W1SlaveText
{
    /// <summary>The temperature register after power-on, 0x0550 = +85 °C (DS18B20 datasheet table 1 and figure 9).</summary>
    public const int PowerOnResetMillicelsius = 85_000;

    /// <summary>Parses <paramref name="text"/>; false with <paramref name="problem"/> when it holds no valid temperature.</summary>
    public static bool TryParse(string text, out double celsius, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        celsius = double.NaN;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2)
        {
            problem = "w1_slave is incomplete (the sensor did not answer)";
            return false;
        }

        var verdict = lines[0].LastIndexOf("crc=", StringComparison.Ordinal);
        if (verdict < 0)
        {
            problem = $"w1_slave has no CRC verdict: '{lines[0]}'";
            return false;
        }

        if (!lines[0].EndsWith(" YES", StringComparison.Ordinal))
        {
            problem = $"CRC mismatch on the scratchpad ({lines[0][verdict..]})";
            return false;
        }

        var scratchpad = lines[0][..lines[0].IndexOf(':', StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // Configuration register bits 0-4 always read 1 (DS18B20 datasheet figure 10; reserved 0xff on a DS18S20): an
        // all-zero scratchpad, which passes the CRC, comes from a data line held low, not from a sensor.
        if (scratchpad.Length == 9
            && byte.TryParse(scratchpad[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var configuration)
            && (configuration & 0x1F) != 0x1F)
        {
            problem = $"the scratchpad is not a thermometer's ({string.Join(' ', scratchpad)}; data line held low?)";
            return false;
        }

        var temperature = lines[1].LastIndexOf("t=", StringComparison.Ordinal);
        if (temperature < 0 || !int.TryParse(lines[1].AsSpan(temperature + 2), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millicelsius))
        {
            problem = $"w1_slave has no temperature: '{lines[1]}'";
            return false;
        }

        if (millicelsius == PowerOnResetMillicelsius)
        {
            problem = "85 °C power-on reset value (the sensor lost power or did not convert; check its supply)";
            return false;
        }

        celsius = millicelsius / 1000.0;
        problem = string.Empty;
        return true;
    }
}
