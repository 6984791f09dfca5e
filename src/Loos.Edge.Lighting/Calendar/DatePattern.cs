namespace Loos.Edge.Lighting.Calendar;

/// <summary>
/// One entry of a calendar rule's <c>dates</c>: a date <c>yyyy-MM-dd</c>, a day every year <c>MM-dd</c>, or a range
/// <c>A..B</c> of either form, both ends included; a recurring range whose end comes before its start crosses the new
/// year (<c>12-20..01-05</c>).
/// </summary>
internal readonly record struct DatePattern(bool Recurring, int First, int Last)
{
    /// <summary>Whether a night starting on <paramref name="date"/> is in the pattern.</summary>
    public bool Matches(DateOnly date)
    {
        if (!Recurring)
        {
            return date.DayNumber >= First && date.DayNumber <= Last;
        }

        var monthDay = MonthDay(date);
        return First <= Last ? monthDay >= First && monthDay <= Last : monthDay >= First || monthDay <= Last;
    }

    /// <summary>The absolute dates the pattern names, or none for a recurring one.</summary>
    public IEnumerable<DateOnly> AbsoluteDates()
    {
        if (Recurring)
        {
            yield break;
        }

        for (var day = First; day <= Last; day++)
        {
            yield return DateOnly.FromDayNumber(day);
        }
    }

    /// <summary>Reads <paramref name="text"/>; the problem says what is wrong with it.</summary>
    public static string? TryParse(string? text, out DatePattern pattern)
    {
        pattern = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty: write yyyy-MM-dd, MM-dd or a range A..B";
        }

        var parts = text.Trim().Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length > 2)
        {
            return $"'{text}' has more than one '..'";
        }

        if (ReadOne(parts[0], out var firstRecurring, out var first) is { } firstProblem)
        {
            return firstProblem;
        }

        var last = first;
        var lastRecurring = firstRecurring;
        if (parts.Length == 2 && ReadOne(parts[1], out lastRecurring, out last) is { } lastProblem)
        {
            return lastProblem;
        }

        if (firstRecurring != lastRecurring)
        {
            return $"'{text}' mixes a date with a year and one without: write both ends alike";
        }

        if (!firstRecurring && last < first)
        {
            return $"'{text}' ends before it starts";
        }

        pattern = new DatePattern(firstRecurring, first, last);
        return null;
    }

    private static string? ReadOne(string text, out bool recurring, out int value)
    {
        recurring = false;
        value = 0;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = date.DayNumber;
            return null;
        }

        // 29 February is a recurring day too: it matches in leap years only, read against leap year 2000.
        if (DateOnly.TryParseExact($"2000-{text}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && text.Length == 5)
        {
            recurring = true;
            value = MonthDay(day);
            return null;
        }

        return $"'{text}' is not a date: write yyyy-MM-dd, or MM-dd for every year";
    }

    private static int MonthDay(DateOnly date) => (date.Month * 100) + date.Day;
}
