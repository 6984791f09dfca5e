using Loos.Edge.Core;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>
/// The lighting's own series, appended to the buffer like readings: <c>lighting_command</c> (every command and its
/// outcome), <c>lighting_plan</c> (each planned level step), <c>lighting_night</c> (each night's energy) and
/// <c>lighting_sun</c> (each night's sun times). Each carries the tag <c>gateway</c> (the gateway's MQTT client id,
/// which names its override topic), so that pages reading InfluxDB alone tell the gateways apart.
/// </summary>
internal sealed partial class LightingSeries(ISeriesCatalog catalog, IReadingSink sink, string gateway, ILogger<LightingSeries> logger)
{
    public const string CommandMeasurement = "lighting_command";
    public const string PlanMeasurement = "lighting_plan";
    public const string NightMeasurement = "lighting_night";
    public const string SunMeasurement = "lighting_sun";
    public const string LuminaireMeasurement = "lighting_luminaire";
    public const string GatewayTag = "gateway";

    private long droppedReadings;

    /// <summary>Readings of these series the buffer refused, shown in health.</summary>
    public long DroppedReadings => Interlocked.Read(ref droppedReadings);

    /// <summary>A command and what became of it; <paramref name="latency"/> for a confirmation.</summary>
    public ValueTask CommandAsync(string circuit, CommandOutcome outcome, int level, DateTimeOffset at, TimeSpan? latency, CancellationToken cancellationToken)
    {
        Tag[] tags = [new(GatewayTag, gateway), new("circuit", circuit), new("outcome", OutcomeName(outcome))];
        var readings = new List<Reading>(2) { new(Series(CommandMeasurement, tags, "level", "%"), at, level) };
        if (latency is { } confirmedAfter)
        {
            readings.Add(new Reading(Series(CommandMeasurement, tags, "latency", "s"), at, confirmedAfter.TotalSeconds));
        }

        return AppendAsync(readings, cancellationToken);
    }

    /// <summary>The planned steps of one circuit (a step written again with the same instant replaces itself in InfluxDB).</summary>
    public ValueTask PlanAsync(string circuit, IEnumerable<(DateTimeOffset Start, int Level)> steps, CancellationToken cancellationToken)
    {
        var series = Series(PlanMeasurement, [new(GatewayTag, gateway), new("circuit", circuit)], "level", "%");
        return AppendAsync([.. steps.Select(step => new Reading(series, step.Start, step.Level))], cancellationToken);
    }

    /// <summary>One circuit's night, at the instant the night starts (local noon): each figure a field.</summary>
    public ValueTask NightAsync(string circuit, DateTimeOffset nightStart, IEnumerable<(string Field, string Unit, double Value)> figures, CancellationToken cancellationToken)
    {
        Tag[] tags = [new(GatewayTag, gateway), new("circuit", circuit)];
        return AppendAsync([.. figures.Select(f => new Reading(Series(NightMeasurement, tags, f.Field, f.Unit), nightStart, f.Value))], cancellationToken);
    }

    /// <summary>
    /// The sun times of one night, at the instant it starts: each event a field holding its instant in Unix seconds
    /// (an event the sun does not reach that night is left out).
    /// </summary>
    public ValueTask SunAsync(DateTimeOffset nightStart, IEnumerable<(string Field, DateTimeOffset? At)> events, CancellationToken cancellationToken)
    {
        Tag[] tags = [new(GatewayTag, gateway)];
        return AppendAsync(
            [.. events.Where(e => e.At is not null).Select(e => new Reading(Series(SunMeasurement, tags, e.Field, "s"), nightStart, e.At!.Value.ToUnixTimeSeconds()))],
            cancellationToken);
    }

    /// <summary>
    /// Which luminaires of which controller make up a circuit, at the instant the night starts: the controllers' status
    /// (tagged by controller and luminaire only) is read per circuit through these points.
    /// </summary>
    public ValueTask LuminairesAsync(string circuit, string controller, IReadOnlyList<string> luminaires, double ratedPowerW, DateTimeOffset nightStart, CancellationToken cancellationToken) =>
        AppendAsync(
            [.. luminaires.Select(luminaire => new Reading(
                Series(LuminaireMeasurement, [new(GatewayTag, gateway), new("circuit", circuit), new("controller", controller), new("luminaire", luminaire)], "rated_power", "W"),
                nightStart,
                ratedPowerW / luminaires.Count))],
            cancellationToken);

    /// <summary>The word for <paramref name="outcome"/> in the <c>outcome</c> tag.</summary>
    public static string OutcomeName(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Sent => "sent",
        CommandOutcome.Resent => "resent",
        CommandOutcome.Unsent => "unsent",
        CommandOutcome.Confirmed => "confirmed",
        _ => "not-following",
    };

    private SeriesId Series(string measurement, Tag[] tags, string field, string unit) => catalog.Intern(new SeriesKey(measurement, tags, field, unit));

    private async ValueTask AppendAsync(List<Reading> readings, CancellationToken cancellationToken)
    {
        try
        {
            await sink.AppendAsync(readings.ToArray(), AppendDurability.Written, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BufferFullException or BufferAppendTooLargeException or IOException)
        {
            // The lighting goes on without its record, which is counted.
            Interlocked.Add(ref droppedReadings, readings.Count);
            LogNotRecorded(logger, readings.Count, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lighting: {Count} reading(s) of the lighting's own series not recorded: {Problem}")]
    private static partial void LogNotRecorded(ILogger logger, int count, string problem);
}
