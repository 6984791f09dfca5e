using Loos.Edge.Core;
using Loos.Edge.Lighting.Sun;

namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// One step of a programme, read: a local clock time, or a sun event ± minutes clamped to local times, and its level.
/// </summary>
/// <param name="Programme">The programme's name, for the plan's sources.</param>
/// <param name="Number">The step's place in its programme, from 1, for the plan's sources.</param>
/// <param name="Sun">The sun event, or null for a clock step.</param>
/// <param name="Clock">The local time of a clock step.</param>
internal sealed record ProgrammeStep(string Programme, int Number, SunEvent? Sun, TimeOnly Clock, TimeSpan Offset, TimeOnly? NotBefore, TimeOnly? NotAfter, int Level)
{
    private const string Section = LightingOptions.SectionName;

    /// <summary>The sun events a step may start at (all but solar noon), by the name the site file gives them.</summary>
    private static readonly Dictionary<string, SunEvent> ByName =
        SunEvents.All.Where(e => e != SunEvent.SolarNoon).ToDictionary(e => e.JsonName(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The source shown in plans: the programme and the step's number (<c>semaine #2</c>).</summary>
    public string Source { get; } = $"{Programme} #{Number}";

    /// <summary>Whether the step starts at an evening sun event (read on the night's date) rather than a morning one (read on the next date).</summary>
    public bool IsEvening => Sun is { } sun && !sun.IsMorning();

    /// <summary>What the step's <c>at</c> says, for messages: <c>22:00</c>, <c>sunset</c>, <c>sunrise+15</c>.</summary>
    public string Describe() => Sun is { } sun
        ? string.Create(CultureInfo.InvariantCulture, $"{sun.JsonName()}{(Offset == TimeSpan.Zero ? string.Empty : $"{Offset.TotalMinutes:+0;-0}")}")
        : Clock.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// When the step starts in the night of <paramref name="night"/>, from that evening's and the next morning's sun
    /// times; null when its sun event does not happen that night (the sun never gets that low), and the step is skipped.
    /// </summary>
    public DateTimeOffset? Resolve(DateOnly night, TimeZoneInfo zone, SunTimes? evening, SunTimes? morning)
    {
        if (Sun is not { } sun)
        {
            return LocalClock.InNight(night, Clock, zone);
        }

        if ((IsEvening ? evening : morning)?[sun] is not { } instant)
        {
            return null;
        }

        instant += Offset;
        if (NotBefore is { } notBefore && LocalClock.InNight(night, notBefore, zone) is var earliest && instant < earliest)
        {
            instant = earliest;
        }

        if (NotAfter is { } notAfter && LocalClock.InNight(night, notAfter, zone) is var latest && instant > latest)
        {
            instant = latest;
        }

        return instant;
    }

    /// <summary>The steps of every programme, read; a step that does not read is added to <paramref name="problems"/> and left out.</summary>
    public static ProgrammeStep[][] ReadAll(LightingOptions options, ConfigurationProblems? problems)
    {
        var programmes = new ProgrammeStep[options.Programmes.Count][];
        for (var p = 0; p < programmes.Length; p++)
        {
            var programme = options.Programmes[p];
            var steps = new List<ProgrammeStep>(programme.Steps.Count);
            for (var s = 0; s < programme.Steps.Count; s++)
            {
                if (Read(programme.Name, s, programme.Steps[s], $"{Section}:programmes:{p}:steps:{s}", problems) is { } step)
                {
                    steps.Add(step);
                }
            }

            programmes[p] = [.. steps];
        }

        return programmes;
    }

    private static ProgrammeStep? Read(string programme, int index, StepOptions step, string key, ConfigurationProblems? problems)
    {
        var valid = true;
        SunEvent? sun = null;
        var clock = default(TimeOnly);
        if (ByName.TryGetValue(step.At?.Trim() ?? string.Empty, out var sunEvent))
        {
            sun = sunEvent;
        }
        else if (!TryReadClock(step.At, out clock))
        {
            problems?.Add($"{key}:at", $": '{step.At}' is neither a local time HH:mm nor a sun event ({string.Join(", ", ByName.Keys)})");
            valid = false;
        }

        if (step.Level is not { } level)
        {
            problems?.Add($"{key}:level", "is required: the level from this step on, 0 (off) to 100 (full light)");
            level = 0;
            valid = false;
        }
        else if (level is < 0 or > 100)
        {
            problems?.Add($"{key}:level", $"{level} is outside 0 (off) to 100 (full light)");
            valid = false;
        }

        if (Math.Abs(step.OffsetMinutes) > 6 * 60)
        {
            problems?.Add($"{key}:offsetMinutes", "must be within 6 hours (360 minutes) of the sun event");
            valid = false;
        }

        var notBefore = ReadClamp(step.NotBefore, $"{key}:notBefore", ref valid);
        var notAfter = ReadClamp(step.NotAfter, $"{key}:notAfter", ref valid);
        if (sun is null && valid && (step.OffsetMinutes != 0 || notBefore is not null || notAfter is not null))
        {
            var which = step.OffsetMinutes != 0 ? "offsetMinutes" : notBefore is not null ? "notBefore" : "notAfter";
            problems?.Add($"{key}:{which}", $"applies to a sun step only: '{step.At}' is a clock time");
            valid = false;
        }

        if (valid && notBefore is { } before && notAfter is { } after && Order(before) > Order(after))
        {
            problems?.Add($"{key}:notAfter", $"{after:HH:mm} comes before notBefore {before:HH:mm} in the night (12:00 to 11:59)");
            valid = false;
        }

        return valid ? new ProgrammeStep(programme, index + 1, sun, clock, TimeSpan.FromMinutes(step.OffsetMinutes), notBefore, notAfter, level) : null;

        TimeOnly? ReadClamp(string? text, string clampKey, ref bool ok)
        {
            if (text is null)
            {
                return null;
            }

            if (TryReadClock(text, out var time))
            {
                return time;
            }

            problems?.Add(clampKey, $": '{text}' is not a local time HH:mm");
            ok = false;
            return null;
        }
    }

    /// <summary>A time's place in the night, which starts at noon.</summary>
    private static TimeSpan Order(TimeOnly time) => time >= LocalClock.Noon ? time - LocalClock.Noon : time.ToTimeSpan() + TimeSpan.FromHours(12);

    private static bool TryReadClock(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
