namespace Loos.Edge.Gpio.Sensors;

/// <summary>What one read of a sensor gave, in the gateway's units; NaN for a quantity the chip does not measure.</summary>
/// <param name="TemperatureCelsius">The temperature in °C.</param>
/// <param name="HumidityPercent">The relative humidity in %RH.</param>
/// <param name="PressureHectopascals">The pressure in hPa.</param>
internal readonly record struct SensorSample(double TemperatureCelsius, double HumidityPercent, double PressureHectopascals)
{
    public double this[SensorQuantity quantity] => quantity switch
    {
        SensorQuantity.Temperature => TemperatureCelsius,
        SensorQuantity.Humidity => HumidityPercent,
        SensorQuantity.Pressure => PressureHectopascals,
        _ => double.NaN,
    };
}

/// <summary>Reads one sensor. Owned by one poll loop: not thread-safe.</summary>
internal interface ISensorReader : IDisposable
{
    /// <summary>
    /// Reads the sensor once. False, with <paramref name="problem"/> saying why (no acknowledge, CRC mismatch, power-on
    /// reset value, file missing), when it gave no valid reading; the next call tries again from scratch.
    /// </summary>
    bool TryRead(out SensorSample sample, out string problem);
}

/// <summary>Opens the reader of a planned sensor.</summary>
internal interface ISensorReaderFactory
{
    /// <summary>A reader for <paramref name="plan"/>; opening touches no hardware, so it cannot fail on a missing sensor.</summary>
    ISensorReader Create(SensorPlan plan);
}
