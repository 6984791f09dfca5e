using System.Text.RegularExpressions;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>The instants of an override as requests give them and as replies show them.</summary>
internal static partial class OverrideTimes
{
    /// <summary>UTC, ISO 8601, to the second (fractions only when there are some): <c>2026-07-14T21:00:00Z</c>.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an ISO 8601 instant that states its offset (<c>2026-07-14T23:00:00+02:00</c>, <c>2026-07-14T21:00Z</c>);
    /// null with the problem naming <paramref name="name"/> otherwise.
    /// </summary>
    public static string? TryParseInstant(string name, string text, out DateTimeOffset instant)
    {
        instant = default;
        return WithOffset().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
            ? null
            : $"{name} '{text}' is not an ISO 8601 time with its offset, such as 2026-07-14T23:00:00+02:00 or 2026-07-14T21:00:00Z";
    }

    /// <summary>
    /// Reads a time as the crew types it: ISO 8601 with an offset, or a local <c>yyyy-MM-ddTHH:mm</c> in
    /// <paramref name="zone"/>; a local time the clocks skip or show twice is refused with the offsets to choose from.
    /// </summary>
    public static string? TryParseLocalOrInstant(string name, string text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (!Local().IsMatch(text))
        {
            return TryParseInstant(name, text, out instant) is null
                ? null
                : $"{name} '{text}' is not a time: give yyyy-MM-ddTHH:mm in {zone.Id}, or ISO 8601 with an offset such as 2026-07-14T23:00:00+02:00";
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return $"{name} '{text}' is not a date and time that exists";
        }

        if (zone.IsInvalidTime(local))
        {
            return $"{name} '{text}' does not exist in {zone.Id}: the clocks skip it; give a time with its offset";
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local).OrderDescending().Select(o => (o < TimeSpan.Zero ? "-" : "+") + o.ToString(@"hh\:mm", CultureInfo.InvariantCulture));
            return $"{name} '{text}' happens twice in {zone.Id} (the clocks go back); give its offset: {string.Join(" the first time, ", offsets)} the second";
        }

        instant = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return null;
    }

    /// <summary>Reads a duration <c>+2h</c>, <c>+90m</c>, <c>+1h30m</c>, <c>+1d</c>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Duration().Match(text);
        if (!match.Success || match.Length == 1)
        {
            return false;
        }

        duration = TimeSpan.FromDays(Part(1)) + TimeSpan.FromHours(Part(2)) + TimeSpan.FromMinutes(Part(3));
        return duration > TimeSpan.Zero;

        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    private static partial Regex Local();

    [GeneratedRegex(@"^\+(?:(\d{1,3})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?$")]
    private static partial Regex Duration();
}
