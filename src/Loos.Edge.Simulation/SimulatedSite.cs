using Loos.Edge.Core;

namespace Loos.Edge.Simulation;

/// <summary>
/// The physics of the simulated site, as pure functions of time, so that tests can check a value without
/// running the loop: outdoor temperature, heat demand and photovoltaic power.
/// </summary>
internal sealed class SimulatedSite
{
    // Heating degree-days use an 18 °C base (DESIGN.md, "Heating target"): below it, a home heats.
    private const double HeatingBaseCelsius = 18;

    private readonly SimulationOptions options;

    public SimulatedSite(SimulationOptions options) => this.options = options;

    /// <summary>Seasonal sine (coldest around 15 January) plus a daily one (coldest at 5:00 UTC).</summary>
    public double OutdoorCelsius(DateTimeOffset time)
    {
        var seasonal = Math.Cos(2 * Math.PI * (time.DayOfYear - 15) / 365.25);
        var daily = Math.Cos(2 * Math.PI * (time.TimeOfDay.TotalHours - 5) / 24);
        return options.OutdoorMeanCelsius - (options.OutdoorSeasonalAmplitudeCelsius * seasonal) - (3 * daily);
    }

    public static double HeatingWatts(SimulatedHome home, double outdoorCelsius) =>
        home.HeatLossWattsPerKelvin * Math.Max(0, HeatingBaseCelsius - outdoorCelsius);

    /// <summary>Clear-sky power: a sine between sunrise and sunset, the day length from the latitude and the date.</summary>
    public double InverterWatts(DateTimeOffset time)
    {
        // Solar declination, Cooper's approximation (degrees).
        var declination = 23.44 * Math.Sin(2 * Math.PI * (284 + time.DayOfYear) / 365);
        var latitude = options.LatitudeDegrees * Math.PI / 180;
        var cosHourAngle = -Math.Tan(latitude) * Math.Tan(declination * Math.PI / 180);
        var halfDayHours = Math.Acos(Math.Clamp(cosHourAngle, -1, 1)) * 12 / Math.PI;
        var solarNoonUtcHours = 12 - (2.83 / 15); // Loos-en-Gohelle lies at 2.83° E.
        var hoursFromNoon = time.TimeOfDay.TotalHours - solarNoonUtcHours;
        if (Math.Abs(hoursFromNoon) >= halfDayHours)
        {
            return 0;
        }

        var elevationShape = Math.Cos(Math.PI / 2 * hoursFromNoon / halfDayHours);
        var seasonalShare = 0.55 + (0.45 * Math.Sin(declination * Math.PI / 180 / 0.409)); // 0.409 rad = 23.44°
        return options.InverterPeakWatts * elevationShape * seasonalShare;
    }

    public static SeriesKey HomeEnergyKey(SimulatedHome home) =>
        new("heat_meter", [new Tag("home", home.Name), new Tag("source", "simulation")], "energy", "Wh");

    public static SeriesKey HomePowerKey(SimulatedHome home) =>
        new("heat_meter", [new Tag("home", home.Name), new Tag("source", "simulation")], "power", "W");

    public static SeriesKey OutdoorTemperatureKey { get; } =
        new("weather", [new Tag("sensor", "outdoor"), new Tag("source", "simulation")], "temperature", "°C");

    public static SeriesKey InverterPowerKey { get; } =
        new("inverter", [new Tag("device", "pv-simulated"), new Tag("source", "simulation")], "W", "W");

    public static SeriesKey InverterEnergyKey { get; } =
        new("inverter", [new Tag("device", "pv-simulated"), new Tag("source", "simulation")], "WH", "Wh");
}
