using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loos.Edge.Lighting.Sun;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// <c>loos-edge lighting sun</c>: the sun's events at the site (or at given coordinates) for one or more dates, in UTC
/// and in the site's time zone, with the sun's altitude that defines each event.
/// </summary>
internal sealed class LightingSunVerb : Verb
{
    private const string Name = "loos-edge lighting sun";
    private const string DefaultTimeZone = "Europe/Paris";

    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file: its site:latitude, site:longitude and site:timeZone.");
    private readonly Option<double?> latitude = Degrees("--latitude", 90, "north positive");
    private readonly Option<double?> longitude = Degrees("--longitude", 180, "east positive");
    private readonly Option<TimeZoneInfo?> timeZone = TypedOptions.Parsed("--time-zone", (string text, out TimeZoneInfo? zone) =>
    {
        zone = TimeZoneInfo.TryFindSystemTimeZoneById(text, out var found) ? found : null;
        return zone is null ? $"--time-zone '{text}' is not a time zone, e.g. {DefaultTimeZone}" : null;
    });

    private readonly Option<DateOnly> date = TypedOptions.Parsed("--date", (string text, out DateOnly value) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value) ? null : $"--date '{text}' is not a date yyyy-MM-dd");

    private readonly Option<int?> days = TypedOptions.OptionalNumber("--days", 1, 366);
    private readonly Option<bool> json = CommonOptions.Json();

    private readonly IVerbContext context;

    public LightingSunVerb(IVerbContext context)
        : base("sun", "The sun's events at the site for some dates: dawns, sunrise, solar noon, sunset and dusks, in UTC and local time.")
    {
        this.context = context;
        date.Required = true;
        date.Description = "The first date, yyyy-MM-dd.";
        days.Description = "How many dates from --date (1 to 366, default 1).";
        timeZone.Description = $"The time zone of the local times (default the site's, or {DefaultTimeZone}).";
        Add(config, latitude, longitude, timeZone, date, days, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var (givenLatitude, givenLongitude) = (parse.GetValue(latitude), parse.GetValue(longitude));
        if (givenLatitude is null != givenLongitude is null)
        {
            return await BadArguments.ReportAsync(parse, givenLatitude is null ? "--longitude needs --latitude" : "--latitude needs --longitude").ConfigureAwait(false);
        }

        var configPath = parse.GetValue(config);
        if (configPath is not null && givenLatitude is not null)
        {
            return await BadArguments.ReportAsync(parse, "give --config or --latitude and --longitude, not both").ConfigureAwait(false);
        }

        SiteLocation location;
        var zone = parse.GetValue(timeZone);
        if (configPath is not null)
        {
            var site = await context.LoadSiteAsync(configPath, parse.InvocationConfiguration.Error).ConfigureAwait(false);
            if (site is null)
            {
                return ExitCodes.InvalidSiteFile;
            }

            if (site.Location is not { } siteLocation)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"{Name}: {configPath}: the site has no site:latitude and site:longitude").ConfigureAwait(false);
                return ExitCodes.InvalidSiteFile;
            }

            location = siteLocation;
            zone ??= site.TimeZone;
        }
        else if (givenLatitude is { } lat && givenLongitude is { } lon)
        {
            location = new SiteLocation(lat, lon);
        }
        else
        {
            return await BadArguments.ReportAsync(parse, "give --config FILE (its site:latitude and site:longitude) or --latitude and --longitude").ConfigureAwait(false);
        }

        zone ??= TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone);
        var first = parse.GetValue(date);
        var count = parse.GetValue(days) ?? 1;
        if (first.DayNumber > DateOnly.MaxValue.DayNumber - count)
        {
            return await BadArguments.ReportAsync(parse, $"--days {count} goes past the last date").ConfigureAwait(false);
        }

        var times = new SunTimes[count];
        for (var index = 0; index < count; index++)
        {
            times[index] = SolarCalculator.ForDate(first.AddDays(index), location.Latitude, location.Longitude);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var text = parse.GetValue(json) ? Json(location, times, zone) : Table(location, times, zone);
        await parse.InvocationConfiguration.Output.WriteLineAsync(text).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>Decimal degrees within ±<paramref name="limit"/>; what is refused names the option.</summary>
    private static Option<double?> Degrees(string name, double limit, string sense)
    {
        var option = TypedOptions.Parsed(name, (string text, out double? value) =>
        {
            value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= -limit && number <= limit ? number : null;
            return value is null ? string.Create(CultureInfo.InvariantCulture, $"{name} {text} is not a number of degrees from -{limit} to {limit}") : null;
        });
        option.Description = string.Create(CultureInfo.InvariantCulture, $"Decimal degrees, {sense}, -{limit} to {limit}.");
        return option;
    }

    private static string Json(SiteLocation location, SunTimes[] times, TimeZoneInfo zone)
    {
        // The relaxed encoder writes the "+02:00" of local times as it is, not as \u002B.
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("latitude", location.Latitude);
            writer.WriteNumber("longitude", location.Longitude);
            writer.WriteStartArray("days");
            foreach (var day in times)
            {
                writer.WriteStartObject();
                writer.WriteString("date", day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                WriteEvents(writer, "events", day, instant => instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                WriteEvents(writer, "local", day, instant => TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteEvents(Utf8JsonWriter writer, string name, SunTimes day, Func<DateTimeOffset, string> format)
    {
        writer.WriteStartObject(name);
        foreach (var sunEvent in SunEvents.All)
        {
            if (day[sunEvent] is { } instant)
            {
                writer.WriteString(sunEvent.JsonName(), format(instant));
            }
            else
            {
                writer.WriteNull(sunEvent.JsonName());
            }
        }

        writer.WriteEndObject();
    }

    private static string Table(SiteLocation location, SunTimes[] times, TimeZoneInfo zone)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Sun at {Math.Abs(location.Latitude)}° {(location.Latitude < 0 ? 'S' : 'N')}, {Math.Abs(location.Longitude)}° {(location.Longitude < 0 ? 'W' : 'E')}; local time {zone.Id}. Each event is the sun's centre crossing the altitude in brackets.").AppendLine();
        foreach (var day in times)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"{day.Date:dddd yyyy-MM-dd}, day length {DayLength(day)}").AppendLine();
            foreach (var sunEvent in SunEvents.All)
            {
                var label = sunEvent.AltitudeDegrees() is { } altitude
                    ? $"{sunEvent.DisplayName()} ({Angle(altitude)})"
                    : string.Create(CultureInfo.InvariantCulture, $"{sunEvent.DisplayName()} (sun at {day.NoonAltitudeDegrees:0.0}°)");
                text.Append(CultureInfo.InvariantCulture, $"  {label,-30} {When(day, sunEvent, zone)}").AppendLine();
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string When(SunTimes day, SunEvent sunEvent, TimeZoneInfo zone)
    {
        if (day[sunEvent] is not { } instant)
        {
            return string.Create(CultureInfo.InvariantCulture, $"—  the sun stays {(day.StaysAbove(sunEvent) ? "above" : "below")} {Angle(sunEvent.AltitudeDegrees() ?? 0)} all day");
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var localDate = DateOnly.FromDateTime(local.DateTime);
        var localText = localDate == day.Date ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{localText} {local:zzz}   ({instant:HH:mm:ss} UTC)");
    }

    private static string DayLength(SunTimes day)
    {
        var length = day.DayLength;
        return day.Sunrise is not null && day.Sunset is not null ? string.Create(CultureInfo.InvariantCulture, $"{(int)length.TotalHours} h {length.Minutes:00} min")
            : length > TimeSpan.Zero ? "24 h (the sun does not set)"
            : "0 h (the sun does not rise)";
    }

    // The typographic minus, as on a printed table: "−6°".
    private static string Angle(double degrees) => string.Create(CultureInfo.InvariantCulture, $"{(degrees < 0 ? "−" : string.Empty)}{Math.Abs(degrees):0.###}°");
}
