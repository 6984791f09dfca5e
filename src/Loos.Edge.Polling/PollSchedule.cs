namespace Loos.Edge.Polling;

/// <summary>One entry that came due: which entry, and the wall-clock tick it stands for.</summary>
/// <param name="Entry">The index <see cref="PollSchedule.Add"/> returned.</param>
/// <param name="Tick">The aligned instant this poll stands for: the latest tick at or before now.</param>
public readonly record struct DueEntry(int Entry, DateTimeOffset Tick);

/// <summary>
/// The due times of a set of poll entries, each with its own wall-clock aligned interval (see <see cref="WallClock"/>).
/// A late wake-up polls each due entry once, stamped with its latest tick, and moves on to the next tick: missed
/// ticks are skipped, never caught up in a burst. Not thread-safe: one poll loop owns it.
/// </summary>
public sealed class PollSchedule
{
    private readonly List<TimeSpan> intervals = [];
    private readonly List<DateTimeOffset> nextDue = [];

    /// <summary>How many entries the schedule holds.</summary>
    public int Count => intervals.Count;

    /// <summary>Adds an entry polled every <paramref name="interval"/>, first at the tick at or after <paramref name="now"/>; returns its index.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public int Add(TimeSpan interval, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        intervals.Add(interval);
        nextDue.Add(WallClock.Ceiling(now, interval));
        return intervals.Count - 1;
    }

    /// <summary>The interval of entry <paramref name="entry"/>.</summary>
    public TimeSpan IntervalOf(int entry) => intervals[entry];

    /// <summary>When entry <paramref name="entry"/> is next due.</summary>
    public DateTimeOffset NextDueOf(int entry) => nextDue[entry];

    /// <summary>The earliest due time of all entries; <see cref="DateTimeOffset.MaxValue"/> when there are none.</summary>
    public DateTimeOffset NextDue
    {
        get
        {
            var earliest = DateTimeOffset.MaxValue;
            foreach (var due in nextDue)
            {
                if (due < earliest)
                {
                    earliest = due;
                }
            }

            return earliest;
        }
    }

    /// <summary>Makes every entry due at <paramref name="now"/>: a one-shot read of everything (the site test).</summary>
    public void MakeAllDue(DateTimeOffset now)
    {
        for (var entry = 0; entry < nextDue.Count; entry++)
        {
            nextDue[entry] = now;
        }
    }

    /// <summary>
    /// After the wall clock stepped forward to <paramref name="now"/>: each entry's next tick becomes the first at or
    /// after it, unless already later, so the ticks the step jumped over are not polled.
    /// </summary>
    public void SkipTo(DateTimeOffset now)
    {
        for (var entry = 0; entry < intervals.Count; entry++)
        {
            var next = WallClock.Ceiling(now, intervals[entry]);
            if (next > nextDue[entry])
            {
                nextDue[entry] = next;
            }
        }
    }

    /// <summary>
    /// Writes the entries due at <paramref name="now"/> into <paramref name="destination"/> (in entry order) and
    /// advances each to its first tick after <paramref name="now"/>; returns how many were written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    public int TakeDue(DateTimeOffset now, Span<DueEntry> destination)
    {
        if (destination.Length < intervals.Count)
        {
            throw new ArgumentException("The destination must hold every entry.", nameof(destination));
        }

        var written = 0;
        for (var entry = 0; entry < intervals.Count; entry++)
        {
            if (nextDue[entry] > now)
            {
                continue;
            }

            var tick = WallClock.Floor(now, intervals[entry]);
            destination[written++] = new DueEntry(entry, tick);
            nextDue[entry] = tick + intervals[entry];
        }

        return written;
    }
}
