using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Polling.Commissioning;

/// <summary>
/// The site test of one bus or line: its module's own poller, built on a sink that keeps the readings in memory
/// (the buffer is never opened, so the test runs beside the service), polls every device once. A device that could
/// not be read gets the reason the poller logged for it (silent, an exception reply, a bad checksum).
/// </summary>
/// <param name="name">The bus as the progress line names it.</param>
/// <param name="deviceCount">How many devices the poller reads.</param>
/// <param name="createPoller">Builds the poller on the given sink, catalog, clock and logger.</param>
public sealed class PollerDeviceTest(string name, int deviceCount, Func<IReadingSink, ISeriesCatalog, TimeProvider, ILogger, BusPoller> createPoller) : IDeviceTest
{
    // The tags a source names its device with: Modbus, M-Bus and pulse counters use device, the sensors sensor.
    private static readonly string[] DeviceTags = ["device", "sensor", "meter"];

    public string Name { get; } = name;

    public int DeviceCount { get; } = deviceCount;

    public async Task<IReadOnlyList<DeviceReading>> ReadOnceAsync(SiteTestSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sink = new MemorySink(settings.TimeProvider);
        var catalog = new SeriesCatalog();
        var problems = new ProblemLog();
        var poller = createPoller(sink, catalog, settings.TimeProvider, problems);
        await using (poller.ConfigureAwait(false))
        {
            try
            {
                await poller.PollEverythingNowAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                problems.Add(null, exception.Message);
            }

            var rows = new List<DeviceReading>();
            foreach (var (reading, readAt) in sink.Readings)
            {
                var key = catalog[reading.Series];
                var device = DeviceOf(key);
                var read = double.IsFinite(reading.Value);
                rows.Add(new DeviceReading(
                    device,
                    key.Field,
                    read ? reading.Value : null,
                    key.Unit,
                    reading.Quality.ToString().ToLowerInvariant(),
                    read ? readAt : null,
                    read ? null : problems.For(device) ?? "no value"));
            }

            foreach (var status in poller.DeviceStatuses)
            {
                if (!rows.Any(row => row.Device == status.Device))
                {
                    rows.Add(new DeviceReading(status.Device, string.Empty, null, string.Empty, "-", null, problems.For(status.Device) ?? "nothing read"));
                }
            }

            return rows;
        }
    }

    private static string DeviceOf(SeriesKey key)
    {
        foreach (var tag in key.Tags)
        {
            if (DeviceTags.Contains(tag.Key))
            {
                return tag.Value;
            }
        }

        return key.Measurement;
    }

    /// <summary>Keeps what the poller appends, with the time it arrived.</summary>
    private sealed class MemorySink(TimeProvider timeProvider) : IReadingSink
    {
        public List<(Reading Reading, DateTimeOffset ReadAt)> Readings { get; } = [];

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
        {
            var now = timeProvider.GetUtcNow();
            lock (Readings)
            {
                foreach (var reading in readings.Span)
                {
                    Readings.Add((reading, now));
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// The warnings the poller logs, kept by device: its log messages name the device (Device, Meter, Sensor) and the
    /// cause (Outcome, Problem, Reason), so the site test shows the same words as the service's log.
    /// </summary>
    private sealed class ProblemLog : ILogger
    {
        private static readonly string[] DeviceKeys = ["Device", "Meter", "Sensor", "Counter"];
        private static readonly string[] CauseKeys = ["Outcome", "Problem", "Reason", "Error"];
        private readonly List<(string? Device, string Cause)> problems = [];

        public void Add(string? device, string cause)
        {
            lock (problems)
            {
                problems.Add((device, cause));
            }
        }

        /// <summary>The last cause logged for <paramref name="device"/>, or for its whole bus.</summary>
        public string? For(string device)
        {
            lock (problems)
            {
                return problems.LastOrDefault(p => p.Device == device).Cause ?? problems.LastOrDefault(p => p.Device is null).Cause;
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            string? Find(string[] keys) => values.FirstOrDefault(v => keys.Contains(v.Key)).Value is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
            var cause = Find(CauseKeys) ?? (exception is null ? formatter(state, exception) : $"{formatter(state, exception)}: {exception.Message}");
            Add(Find(DeviceKeys), cause);
        }
    }
}
