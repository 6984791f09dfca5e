using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loos.Edge.Forwarding;

namespace Loos.Edge.Web.Influx;

/// <summary>One series of an InfluxQL answer: its tags, its columns (the first is <c>time</c>, epoch milliseconds) and its rows.</summary>
internal sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    public int Column(string name) => Columns.ToList().IndexOf(name);
}

/// <summary>InfluxDB could not be reached or refused a query; the message says which server and why.</summary>
internal sealed class InfluxReadException(string message) : Exception(message);

/// <summary>
/// InfluxQL over <c>/query</c> on the web section's InfluxDB (1.x with its database; 2.x and 3.x with the bucket as
/// database and the token), as the heating report reads it. Values in statements are quoted with <see cref="Literal"/>.
/// </summary>
internal sealed class InfluxReader(WebInfluxOptions options) : IDisposable
{
    private readonly TargetOptions target = options.ToTarget();
    private readonly HttpClient http = new() { Timeout = options.Timeout };

    /// <summary>The series of every statement of <paramref name="statements"/> (separated by semicolons), statement by statement.</summary>
    /// <exception cref="InfluxReadException">The server cannot be reached or refuses the query.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<InfluxSeries>>> QueryAsync(string statements, CancellationToken cancellationToken)
    {
        var database = target.Api == InfluxApi.V1 ? target.Database : target.Bucket;
        var query = new StringBuilder($"/query?epoch=ms&db={Uri.EscapeDataString(database ?? string.Empty)}&q={Uri.EscapeDataString(statements)}");
        if (target.Api == InfluxApi.V1 && !string.IsNullOrEmpty(target.RetentionPolicy))
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(target.RetentionPolicy));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(target.Url), query.ToString()));
        try
        {
            request.Headers.Authorization = InfluxCredentials.Read(target);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InfluxReadException($"{target.Url} answered {(int)response.StatusCode} to a query: {Encoding.UTF8.GetString(body).Trim()}");
            }

            using var document = JsonDocument.Parse(body);
            var results = new List<IReadOnlyList<InfluxSeries>>();
            foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
            {
                if (result.TryGetProperty("error", out var error))
                {
                    throw new InfluxReadException($"{target.Url} refused a query: {error.GetString()}");
                }

                results.Add(result.TryGetProperty("series", out var series) ? [.. series.EnumerateArray().Select(ReadSeries)] : []);
            }

            return results;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or UnauthorizedAccessException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InfluxReadException($"{target.Url}: {exception.Message}");
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary><paramref name="value"/> as an InfluxQL string literal.</summary>
    public static string Literal(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static InfluxSeries ReadSeries(JsonElement item)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("tags", out var tagElement))
        {
            foreach (var tag in tagElement.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
            }
        }

        var columns = item.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray();
        var rows = item.TryGetProperty("values", out var values)
            ? values.EnumerateArray().Select(row => row.EnumerateArray().Select(cell => cell.Clone()).ToArray()).ToList()
            : [];
        return new InfluxSeries(item.GetProperty("name").GetString() ?? string.Empty, tags, columns, rows);
    }
}
