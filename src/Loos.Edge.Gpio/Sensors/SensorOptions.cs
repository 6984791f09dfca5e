namespace Loos.Edge.Gpio.Sensors;

/// <summary>One 1-Wire or I²C sensor (site file: <c>gpio:sensors[]</c>).</summary>
public sealed class SensorOptions
{
    /// <summary>The sensor's name, unique; the <c>device</c> tag of its series. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>ds18b20</c> (1-Wire), <c>bme280</c>, <c>bmp280</c> or <c>sht3x</c> (I²C); required.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>
    /// The 1-Wire bus master the sensor hangs on, as the kernel names it under <c>/sys/bus/w1/devices</c>;
    /// <c>w1_bus_master1</c> by default. 1-Wire sensors only.
    /// </summary>
    public string? BusId { get; set; }

    /// <summary>The 1-Wire device id, family and serial number, e.g. <c>28-0316a2795aff</c>; required for a 1-Wire sensor.</summary>
    public string? DeviceId { get; set; }

    /// <summary>The I²C bus number (<c>/dev/i2c-1</c> is bus 1); 1 by default, the bus on the Raspberry Pi's pins 3 and 5. I²C sensors only.</summary>
    public int? Bus { get; set; }

    /// <summary>
    /// The 7-bit I²C address, hexadecimal (<c>0x76</c>) or decimal (<c>118</c>); by default 0x76 for a BME280 or BMP280
    /// (SDO to GND; 0x77 with SDO to VDDIO) and 0x44 for an SHT3x (ADDR to GND; 0x45 with ADDR to VDD). I²C sensors only.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>How often the sensor is read, aligned to the wall clock; 1 min by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The InfluxDB measurement of the sensor's series; <c>environment</c> by default.</summary>
    public string Measurement { get; set; } = SensorPlan.DefaultMeasurement;

    /// <summary>The <c>home</c> tag, for a sensor inside a home; none by default.</summary>
    public string? Home { get; set; }

    /// <summary>Tags added to every series of the sensor, e.g. <c>room: living</c>; none by default.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    /// <summary>Corrections added to the sensor's values, e.g. from a comparison with a reference thermometer; none by default.</summary>
    public SensorOffsetOptions Offset { get; init; } = new();
}

/// <summary>A correction added to each quantity a sensor measures (site file: <c>gpio:sensors[]:offset</c>).</summary>
public sealed class SensorOffsetOptions
{
    /// <summary>Added to the temperature, in °C; 0 by default.</summary>
    public double Temperature { get; set; }

    /// <summary>Added to the relative humidity, in %RH (the result is kept within 0–100); 0 by default.</summary>
    public double Humidity { get; set; }

    /// <summary>Added to the pressure, in hPa; 0 by default.</summary>
    public double Pressure { get; set; }
}
