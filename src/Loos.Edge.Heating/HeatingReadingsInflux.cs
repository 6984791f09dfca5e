using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Aggregation.Heating;
using Loos.Edge.Forwarding;

namespace Loos.Edge.Heating;

/// <summary>
/// Reads the heating report's readings back from the site's InfluxDB target with InfluxQL over <c>/query</c>: every
/// home's <c>heat_meter</c> <c>energy</c> counter (Wh, grouped by the <c>home</c> tag) and the outdoor temperature
/// series of the <c>heating:outdoor</c> keys. InfluxDB 1.x answers with the target's database; InfluxDB 2.x and 3.x
/// answer the same endpoint with the bucket as database (2.x needs a DBRP mapping for the bucket) and the token.
/// </summary>
internal static class HeatingReadingsInflux
{
    /// <summary>
    /// Readings from two days before <paramref name="year"/>'s first day to two days after its end: the readings just
    /// outside it close the intervals that overlap its first and last days.
    /// </summary>
    /// <exception cref="HeatingReadingsException">The server cannot be reached or refuses the query; the message says which and why.</exception>
    public static async Task<HeatingReadings> ReadAsync(TargetOptions target, HeatingOptions heating, HeatingYear year, CancellationToken cancellationToken)
    {
        var from = new DateTime(year.DayStartTicks[0], DateTimeKind.Utc).AddDays(-2);
        var to = new DateTime(year.DayStartTicks[^1], DateTimeKind.Utc).AddDays(2);
        var range = string.Create(CultureInfo.InvariantCulture, $"time >= '{from:yyyy-MM-ddTHH:mm:ssZ}' AND time < '{to:yyyy-MM-ddTHH:mm:ssZ}'");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var meters = await QueryAsync(http, target, $"SELECT {Identifier(HeatingOptions.HeatMeterField)} FROM {Identifier(HeatingOptions.HeatMeterMeasurement)} WHERE \"unit\" = 'Wh' AND {range} GROUP BY \"home\"", cancellationToken).ConfigureAwait(false);
        var outdoor = heating.Outdoor;
        var tagFilter = string.Concat(outdoor.Tags.Select(tag => $"{Identifier(tag.Key)} = '{tag.Value.Replace("'", "\\'", StringComparison.Ordinal)}' AND "));
        var temperatures = await QueryAsync(http, target, $"SELECT {Identifier(outdoor.Field)} FROM {Identifier(outdoor.Measurement)} WHERE {tagFilter}{range}", cancellationToken).ConfigureAwait(false);

        var homes = meters
            .Where(series => series.Home is { Length: > 0 })
            .GroupBy(series => series.Home!, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var points = group.SelectMany(series => series.Points).OrderBy(point => point.Ticks).ToArray();
                return new HomeMeterReadings(group.Key, [.. points.Select(p => p.Ticks)], [.. points.Select(p => p.Value / 1000)], heating.RulesFor(group.Key));
            })
            .ToList();
        var outdoorPoints = temperatures.SelectMany(series => series.Points).OrderBy(point => point.Ticks).ToArray();
        return new HeatingReadings(homes, [.. outdoorPoints.Select(p => p.Ticks)], [.. outdoorPoints.Select(p => p.Value)]);
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private sealed record Series(string? Home, List<(long Ticks, double Value)> Points);

    /// <summary>Runs one statement with chunked answers (one JSON object per line), epoch milliseconds.</summary>
    private static async Task<List<Series>> QueryAsync(HttpClient http, TargetOptions target, string statement, CancellationToken cancellationToken)
    {
        var database = target.Api == InfluxApi.V1 ? target.Database : target.Bucket;
        var query = new StringBuilder($"/query?chunked=true&chunk_size=20000&epoch=ms&db={Uri.EscapeDataString(database ?? string.Empty)}&q={Uri.EscapeDataString(statement)}");
        if (target.Api == InfluxApi.V1 && !string.IsNullOrEmpty(target.RetentionPolicy))
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(target.RetentionPolicy));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(target.Url), query.ToString()));
        try
        {
            request.Headers.Authorization = InfluxCredentials.Read(target);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HeatingReadingsException($"target '{target.Name}' ({target.Url}) answered {(int)response.StatusCode} to the query: {body.Trim()}");
            }

            var series = new Dictionary<string, Series>(StringComparer.Ordinal);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    ReadChunk(line, series, target);
                }
            }

            return [.. series.Values];
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or UnauthorizedAccessException or JsonException)
        {
            throw new HeatingReadingsException($"target '{target.Name}' ({target.Url}): {exception.Message}");
        }
    }

    private static void ReadChunk(string line, Dictionary<string, Series> series, TargetOptions target)
    {
        using var document = JsonDocument.Parse(line);
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new HeatingReadingsException($"target '{target.Name}' ({target.Url}) refused the query: {error.GetString()}");
            }

            if (!result.TryGetProperty("series", out var resultSeries))
            {
                continue;
            }

            foreach (var item in resultSeries.EnumerateArray())
            {
                var home = item.TryGetProperty("tags", out var tags) && tags.TryGetProperty("home", out var homeTag) ? homeTag.GetString() : null;
                var key = home ?? string.Empty;
                if (!series.TryGetValue(key, out var target1))
                {
                    target1 = new Series(home, []);
                    series.Add(key, target1);
                }

                foreach (var row in item.GetProperty("values").EnumerateArray())
                {
                    if (row[1].ValueKind == JsonValueKind.Number)
                    {
                        target1.Points.Add((DateTime.UnixEpoch.Ticks + (row[0].GetInt64() * TimeSpan.TicksPerMillisecond), row[1].GetDouble()));
                    }
                }
            }
        }
    }
}
