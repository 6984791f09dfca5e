using Loos.Edge.Core;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// What the lighting controllers last reported for each luminaire (the commanded value and the power drawn), read
/// from their status readings, with the instant each arrived at the gateway: a command is confirmed by a report that
/// arrives after it.
/// </summary>
internal sealed class ControllerStatus
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Controller, string Luminaire), LuminaireReport> reports = [];
    private readonly Dictionary<SeriesId, (string Controller, string Luminaire, bool IsLevel)?> seriesRoles = [];
    private readonly Dictionary<(string Controller, string Luminaire), double> energyWh = [];
    private readonly ISeriesCatalog catalog;
    private readonly HashSet<(string Measurement, string LevelField)> statusSeries;

    /// <param name="catalog">The process's series catalogue.</param>
    /// <param name="statusSeries">The measurement and level field of each controller preset in use.</param>
    public ControllerStatus(ISeriesCatalog catalog, IEnumerable<(string Measurement, string LevelField)> statusSeries)
    {
        this.catalog = catalog;
        this.statusSeries = [.. statusSeries];
    }

    /// <summary>The field of the status that reports the power drawn, W.</summary>
    public const string PowerField = "power";

    /// <summary>The longest silence between two power reports that is still metered (a controller that went silent is not guessed).</summary>
    public static readonly TimeSpan LongestMeteredGap = TimeSpan.FromMinutes(30);

    /// <summary>Raised after readings changed a report, so that waiting commands are checked at once.</summary>
    public event Action? Reported;

    /// <summary>What <paramref name="luminaire"/> of <paramref name="controller"/> last reported, or null.</summary>
    public LuminaireReport? Latest(string controller, string luminaire)
    {
        lock (gate)
        {
            return reports.TryGetValue((controller, luminaire), out var report) ? report : null;
        }
    }

    /// <summary>Takes a batch of readings that arrived at <paramref name="receivedAt"/>; readings of other series are ignored.</summary>
    public void Take(ReadOnlySpan<Reading> readings, DateTimeOffset receivedAt)
    {
        var changed = false;
        lock (gate)
        {
            foreach (var reading in readings)
            {
                if (Role(reading.Series) is not { } role || reading.Quality != Quality.Good)
                {
                    continue;
                }

                var key = (role.Controller, role.Luminaire);
                var report = reports.GetValueOrDefault(key) ?? new LuminaireReport();
                if (role.IsLevel)
                {
                    reports[key] = report with { Level = reading.Value, LevelAt = reading.Timestamp, LevelReceivedAt = receivedAt };
                }
                else
                {
                    Meter(key, report, reading);
                    reports[key] = report with { PowerW = reading.Value, PowerAt = reading.Timestamp };
                }

                changed = true;
            }
        }

        if (changed)
        {
            Reported?.Invoke();
        }
    }

    /// <summary>
    /// The energy <paramref name="luminaire"/> drew since the last call, Wh, from its power reports (each held until
    /// the next, across gaps up to <see cref="LongestMeteredGap"/>); null when it reported no power meanwhile.
    /// </summary>
    public double? DrainEnergyWh(string controller, string luminaire)
    {
        lock (gate)
        {
            return energyWh.Remove((controller, luminaire), out var energy) ? energy : null;
        }
    }

    /// <summary>Adds the energy since the previous power report, held at its value.</summary>
    private void Meter((string, string) key, LuminaireReport previous, Reading reading)
    {
        var elapsed = reading.Timestamp - previous.PowerAt;
        var energy = energyWh.GetValueOrDefault(key);
        if (previous.PowerW is { } powerW && elapsed > TimeSpan.Zero && elapsed <= LongestMeteredGap)
        {
            energy += powerW * elapsed.TotalHours;
        }

        energyWh[key] = energy;
    }

    /// <summary>Whether a series is a luminaire's level or power, looked up once per series.</summary>
    private (string Controller, string Luminaire, bool IsLevel)? Role(SeriesId series)
    {
        if (seriesRoles.TryGetValue(series, out var role))
        {
            return role;
        }

        var key = catalog[series];
        var isLevel = statusSeries.Contains((key.Measurement, key.Field));
        role = (isLevel || (key.Field == PowerField && statusSeries.Any(s => s.Measurement == key.Measurement)))
            && key.GetTag("controller") is { } controller
            && key.GetTag("luminaire") is { } luminaire
            ? (controller, luminaire, isLevel)
            : null;
        seriesRoles[series] = role;
        return role;
    }
}

/// <summary>One luminaire's last report.</summary>
internal sealed record LuminaireReport
{
    /// <summary>The value it reported in the command's unit (% or DALI arc level), or null before any.</summary>
    public double? Level { get; init; }

    /// <summary>The controller's time of that value.</summary>
    public DateTimeOffset LevelAt { get; init; }

    /// <summary>When that value reached the gateway.</summary>
    public DateTimeOffset LevelReceivedAt { get; init; }

    /// <summary>The power it last reported, W, or null.</summary>
    public double? PowerW { get; init; }

    /// <summary>The controller's time of that power.</summary>
    public DateTimeOffset PowerAt { get; init; }
}
