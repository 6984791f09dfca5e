namespace Loos.Edge.SelfMetrics;

/// <summary>
/// The buffer's append rate over the last <c>window</c>, from the bytes it had appended at each sample, and the hours
/// of buffer left at that rate. Owned by one sampling loop.
/// </summary>
internal sealed class AppendRate(TimeSpan window)
{
    /// <summary>The most hours left reported: a year, for a buffer that hardly grows.</summary>
    public const double MaxHoursLeft = 8760;

    private readonly List<(DateTimeOffset Time, long AppendedBytes)> samples = [];

    /// <summary>Notes that the buffer had appended <paramref name="appendedBytes"/> in all by <paramref name="time"/>.</summary>
    public void Add(DateTimeOffset time, long appendedBytes)
    {
        samples.Add((time, appendedBytes));

        // The oldest sample kept is the last one at least a window old, so the rate spans the whole window once it can.
        while (samples.Count > 1 && samples[1].Time <= time - window)
        {
            samples.RemoveAt(0);
        }
    }

    /// <summary>Bytes appended per hour between the oldest sample kept and the newest; 0 before time has passed.</summary>
    public double BytesPerHour
    {
        get
        {
            if (samples.Count < 2)
            {
                return 0;
            }

            var (firstTime, firstBytes) = samples[0];
            var (lastTime, lastBytes) = samples[^1];
            var hours = (lastTime - firstTime).TotalHours;
            return hours > 0 ? (lastBytes - firstBytes) / hours : 0;
        }
    }

    /// <summary>Hours until <paramref name="roomBytes"/> are filled at <see cref="BytesPerHour"/>, at most <see cref="MaxHoursLeft"/>.</summary>
    public double HoursLeft(long roomBytes)
    {
        var rate = BytesPerHour;
        return rate <= 0 ? MaxHoursLeft : Math.Min(MaxHoursLeft, Math.Max(0, roomBytes) / rate);
    }
}
