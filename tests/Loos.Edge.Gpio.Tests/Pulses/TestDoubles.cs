using System.Collections.Concurrent;
using System.Device.Gpio;
using Loos.Edge.Core;
using Loos.Edge.Gpio.Drivers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Gpio.Tests.Pulses;

/// <summary>Keeps every appended batch, with the catalogue to name the series.</summary>
public sealed class RecordingSink(ISeriesCatalog catalog) : IReadingSink
{
    private readonly Lock gate = new();
    private readonly List<Reading> kept = [];

    public IReadOnlyList<(SeriesKey Series, Reading Reading)> All
    {
        get
        {
            lock (gate)
            {
                return [.. kept.Select(r => (catalog[r.Series], r))];
            }
        }
    }

    public IReadOnlyList<Reading> Of(string device, string field) =>
        [.. All.Where(x => x.Series.GetTag("device") == device && x.Series.Field == field).Select(x => x.Reading)];

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            kept.AddRange(readings.ToArray());
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every log entry so that tests can check what an operator would read.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IEnumerable<string> Errors => Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message);

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>
/// The wire from an S0 output to a pin of the simulated driver, with time: every level change first advances the
/// fake clock, so that pulse trains are exact whatever the machine's speed.
/// </summary>
public sealed class S0Wire(SimulatedGpioDriver driver, FakeTimeProvider time, int pin)
{
    /// <summary>Advances the clock by <paramref name="afterMilliseconds"/>, then drives the pin to <paramref name="level"/>.</summary>
    public void Drive(PinValue level, double afterMilliseconds = 0)
    {
        time.Advance(TimeSpan.FromTicks((long)(afterMilliseconds * TimeSpan.TicksPerMillisecond)));
        driver.Drive(pin, level);
    }

    /// <summary>
    /// One pulse of <paramref name="periodMilliseconds"/>: the contact closes (pin low) bouncing
    /// <paramref name="closeBounces"/> times, stays closed <paramref name="widthMilliseconds"/>, opens bouncing
    /// <paramref name="openBounces"/> times, and stays open for the rest of the period. Each bounce lasts
    /// <paramref name="bounceMilliseconds"/> up and as long down.
    /// </summary>
    public void Pulse(double periodMilliseconds, double widthMilliseconds, int closeBounces = 0, int openBounces = 0, double bounceMilliseconds = 0.5)
    {
        var used = 0.0;
        Drive(PinValue.Low);
        for (var i = 0; i < closeBounces; i++)
        {
            Drive(PinValue.High, bounceMilliseconds);
            Drive(PinValue.Low, bounceMilliseconds);
            used += 2 * bounceMilliseconds;
        }

        Drive(PinValue.High, widthMilliseconds - used);
        for (var i = 0; i < openBounces; i++)
        {
            Drive(PinValue.Low, bounceMilliseconds);
            Drive(PinValue.High, bounceMilliseconds);
            used += 2 * bounceMilliseconds;
        }

        time.Advance(TimeSpan.FromTicks((long)((periodMilliseconds - widthMilliseconds - openBounces * 2 * bounceMilliseconds) * TimeSpan.TicksPerMillisecond)));
    }

    /// <summary><paramref name="count"/> clean pulses, evenly spread over <paramref name="span"/>.</summary>
    public void Pulses(int count, TimeSpan span)
    {
        for (var i = 0; i < count; i++)
        {
            Pulse(span.TotalMilliseconds / count, Math.Min(30, span.TotalMilliseconds / count / 2));
        }
    }
}
