namespace Loos.Edge.Simulation;

/// <summary>
/// Simulated field devices (section <c>simulation</c>), so that a gateway with no hardware attached, a demo or a
/// test bench still produces realistic readings: heat-meter counters per home, an outdoor temperature and a
/// photovoltaic inverter's power curve.
/// </summary>
public sealed class SimulationOptions
{
    /// <summary>Whether the simulated devices run; default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often every simulated device is read, aligned to the wall clock; default 10 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How much past the simulated devices have behind them at start: hourly readings over that time, stamped in the
    /// past like a backfill, so that the heating report, the rollups and the boards show a season at once; default
    /// none. With a history the counters start at <see cref="SimulatedHome.InitialEnergyKilowattHours"/> on 1 July
    /// (the heating year's start) before it, so that a restart writes the same values again.
    /// </summary>
    public TimeSpan History { get; set; }

    /// <summary>The site's latitude in degrees, for the length of the day the inverter sees; default 50.46 (Loos-en-Gohelle).</summary>
    public double LatitudeDegrees { get; set; } = 50.46;

    /// <summary>Yearly mean outdoor temperature, °C; default 10.9 (Lens-Lille climate normal).</summary>
    public double OutdoorMeanCelsius { get; set; } = 10.9;

    /// <summary>Half the gap between the warmest and coldest month, °C; default 7.</summary>
    public double OutdoorSeasonalAmplitudeCelsius { get; set; } = 7;

    /// <summary>Peak power of the simulated inverter, W; 0 for none; default 9000.</summary>
    public double InverterPeakWatts { get; set; } = 9000;

    /// <summary>The simulated homes with a heat meter; default none.</summary>
    public List<SimulatedHome> Homes { get; set; } = [];
}

/// <summary>One home with a simulated heat meter.</summary>
public sealed class SimulatedHome
{
    /// <summary>The home's name, written as the <c>home</c> tag.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Heat loss of the home, W per kelvin below 18 °C; default 45 (an eco-renovated flat).</summary>
    public double HeatLossWattsPerKelvin { get; set; } = 45;

    /// <summary>The meter's counter when the gateway starts (on 1 July before the history, with one), kWh; default 0.</summary>
    public double InitialEnergyKilowattHours { get; set; }
}
