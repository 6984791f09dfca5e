using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Loos.Edge.Grafana.Tests;

/// <summary>
/// A dashboard time range as Grafana holds it: relative (<c>now-7d</c> to <c>now</c>, kept as text) or absolute
/// (instants, as after picking dates or after a panel's time shift).
/// </summary>
public sealed record GrafanaRange(string Name, string? RelativeFrom, DateTimeOffset From, DateTimeOffset To, bool Backend = false)
{
    public static GrafanaRange Relative(string from, DateTimeOffset now) =>
        new($"{from} to now", from, now - Duration(from["now-".Length..]), now);

    public static GrafanaRange Absolute(DateTimeOffset from, DateTimeOffset to) =>
        new($"{from.ToUnixTimeMilliseconds()}ms to {to.ToUnixTimeMilliseconds()}ms", null, from, to);

    /// <summary>As Grafana's server side runs InfluxQL (alert rules; the boards in Grafana 10.4+ with the backend InfluxQL mode).</summary>
    public static GrafanaRange Server(DateTimeOffset from, DateTimeOffset to) =>
        new($"server side {from.ToUnixTimeMilliseconds()}ms to {to.ToUnixTimeMilliseconds()}ms", null, from, to, Backend: true);

    /// <summary>
    /// The range a panel queries: its <c>timeFrom</c> replaces the dashboard's with <c>now-X</c>, its <c>timeShift</c>
    /// moves both ends back and makes the range absolute (Grafana's applyPanelTimeOverrides).
    /// </summary>
    public GrafanaRange ForPanel(JsonObject panel, DateTimeOffset now)
    {
        var range = this;
        if ((string?)panel["timeFrom"] is { Length: > 0 } timeFrom)
        {
            range = Backend ? Server(now - Duration(timeFrom), now) : Relative("now-" + timeFrom, now);
        }

        if ((string?)panel["timeShift"] is { Length: > 0 } timeShift)
        {
            var shift = Duration(timeShift);
            range = Backend ? Server(range.From - shift, range.To - shift) : Absolute(range.From - shift, range.To - shift);
        }

        return range;
    }

    /// <summary><c>$timeFilter</c>.</summary>
    public string TimeFilter =>
        Backend ? $"time > {From.ToUnixTimeMilliseconds()}ms and time < {To.ToUnixTimeMilliseconds()}ms"
        : RelativeFrom is { } relative ? $"time >= now() - {relative["now-".Length..]} and time <= now()"
        : $"time >= {From.ToUnixTimeMilliseconds()}ms and time <= {To.ToUnixTimeMilliseconds()}ms";

    /// <summary>
    /// <c>$__interval</c>: the range over the panel's width in points (1,000), rounded as Grafana's rangeutil.roundInterval
    /// rounds it, never under the datasource's minimum interval (its <c>timeInterval</c>, 1m).
    /// </summary>
    public TimeSpan Interval(TimeSpan minimum)
    {
        var raw = (To - From).TotalMilliseconds / 1000;
        (double Below, TimeSpan Interval)[] steps =
        [
            (1500, TimeSpan.FromSeconds(1)), (3500, TimeSpan.FromSeconds(2)), (7500, TimeSpan.FromSeconds(5)),
            (12500, TimeSpan.FromSeconds(10)), (17500, TimeSpan.FromSeconds(15)), (25000, TimeSpan.FromSeconds(20)),
            (45000, TimeSpan.FromSeconds(30)), (90000, TimeSpan.FromMinutes(1)), (180000, TimeSpan.FromMinutes(2)),
            (450000, TimeSpan.FromMinutes(5)), (1050000, TimeSpan.FromMinutes(10)), (2100000, TimeSpan.FromMinutes(20)),
            (2700000, TimeSpan.FromMinutes(30)), (5400000, TimeSpan.FromHours(1)), (9000000, TimeSpan.FromHours(2)),
            (16200000, TimeSpan.FromHours(3)), (27000000, TimeSpan.FromHours(6)), (43200000, TimeSpan.FromHours(12)),
            (86400000, TimeSpan.FromDays(1)), (double.MaxValue, TimeSpan.FromDays(7)),
        ];
        var rounded = steps.First(s => raw < s.Below).Interval;
        return rounded < minimum ? minimum : rounded;
    }

    /// <summary>A Grafana duration (<c>7d</c>, <c>15m</c>, <c>1h</c>, <c>30s</c>, <c>2w</c>).</summary>
    public static TimeSpan Duration(string text)
    {
        var match = Regex.Match(text, "^([0-9]+)([smhdw])$");
        Assert.True(match.Success, $"'{text}' is not a Grafana duration");
        var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7 * amount),
        };
    }

    /// <summary>A duration as InfluxQL and Grafana write it: <c>1m</c>, <c>10m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalDays >= 1 && duration.TotalDays % 1 == 0 ? $"{duration.TotalDays:0}d"
        : duration.TotalHours >= 1 && duration.TotalHours % 1 == 0 ? $"{duration.TotalHours:0}h"
        : duration.TotalMinutes >= 1 && duration.TotalMinutes % 1 == 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalSeconds:0}s";
}

/// <summary>How the variables of a board are set when its queries are expanded.</summary>
public enum VariableChoice
{
    /// <summary>The first value of each variable.</summary>
    One,

    /// <summary>The first two values of a multi-value variable (<c>/^(a|b)$/</c>), one value otherwise.</summary>
    Two,

    /// <summary><c>$__all</c> where the variable offers All (every value, <c>/^(a|b|c)$/</c>), two values otherwise.</summary>
    All,
}

/// <summary>
/// Expands a raw InfluxQL target exactly as Grafana's InfluxDB datasource does before sending it: template variables
/// (interpolateQueryExpr: a single-value variable as is; a multi-value or All variable regex-escaped, several values
/// as <c>(a|b)</c>), then <c>$timeFilter</c>, <c>$__interval_ms</c>, <c>$__interval</c> and <c>$interval</c>.
/// </summary>
public static partial class GrafanaMacros
{
    /// <summary>Grafana's own variables, defined on every board.</summary>
    public static IReadOnlySet<string> BuiltIns { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "timeFilter", "__interval", "interval", "__interval_ms", "__from", "__to", "__range", "__range_s", "__range_ms",
    };

    public static string Expand(string query, GrafanaRange range, TimeSpan interval, IReadOnlyDictionary<string, string> variables)
    {
        var expanded = VariableReference().Replace(query, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            return variables.TryGetValue(name, out var value) ? value : match.Value;
        });
        return expanded
            .Replace("$timeFilter", range.TimeFilter, StringComparison.Ordinal)
            .Replace("$__interval_ms", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", GrafanaRange.Format(interval), StringComparison.Ordinal)
            .Replace("$interval", GrafanaRange.Format(interval), StringComparison.Ordinal)
            .Replace("$__from", range.From.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__to", range.To.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>The value a variable takes in a query for the values chosen (interpolateQueryExpr).</summary>
    public static string Interpolate(JsonObject variable, IReadOnlyList<string> values)
    {
        var multi = (bool?)variable["multi"] ?? false;
        var includeAll = (bool?)variable["includeAll"] ?? false;
        if (!multi && !includeAll)
        {
            return values.Single();
        }

        var escaped = values.Select(EscapeRegex).ToList();
        return escaped.Count == 1 ? escaped[0] : "(" + string.Join('|', escaped) + ")";
    }

    /// <summary>The values of <paramref name="variable"/> chosen for <paramref name="choice"/>, out of <paramref name="options"/>.</summary>
    public static IReadOnlyList<string> Choose(JsonObject variable, IReadOnlyList<string> options, VariableChoice choice)
    {
        var multi = (bool?)variable["multi"] ?? false;
        var includeAll = (bool?)variable["includeAll"] ?? false;
        return choice switch
        {
            VariableChoice.All when includeAll => variable["allValue"] is JsonValue allValue ? [(string)allValue!] : options,
            VariableChoice.All or VariableChoice.Two when multi => [.. options.Take(2)],
            _ => [options[0]],
        };
    }

    /// <summary>The names of the variables a query refers to (<c>$name</c>, <c>${name}</c>, <c>[[name]]</c>).</summary>
    public static IEnumerable<string> References(string text) =>
        VariableReference().Matches(text).Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value)
            .Concat(OldReference().Matches(text).Select(m => m.Groups[1].Value));

    /// <summary>Grafana's escapeRegex (@grafana/data): the characters special to a regular expression, and the slash.</summary>
    private static string EscapeRegex(string value) => RegexSpecial().Replace(value, @"\$0");

    [GeneratedRegex(@"\$(?:\{(?<braced>\w+)(?::\w+)?\}|(?<plain>\w+))")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\[\[(\w+)(?::\w+)?\]\]")]
    private static partial Regex OldReference();

    [GeneratedRegex(@"[\\^$*+?.()|\[\]{}/]")]
    private static partial Regex RegexSpecial();
}
