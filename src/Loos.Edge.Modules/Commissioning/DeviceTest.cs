namespace Loos.Edge.Modules.Commissioning;

/// <summary>
/// One row of <c>loos-edge site test</c>: a value read from a device, or why it could not be read (then
/// <see cref="Value"/> is null and <see cref="Reason"/> says why: silent, an exception code, a bad checksum).
/// </summary>
/// <param name="Device">The device's name from the site file.</param>
/// <param name="Point">The point or field, e.g. <c>power</c>; empty when the whole device could not be read.</param>
/// <param name="Value">The value; null when it could not be read.</param>
/// <param name="Unit">The unit, e.g. <c>W</c>; empty when none.</param>
/// <param name="Quality">good, stale or estimated.</param>
/// <param name="Time">When it was read; null when it was not.</param>
/// <param name="Reason">Why it could not be read; null when it was.</param>
public sealed record DeviceReading(string Device, string Point, double? Value, string Unit, string Quality, DateTimeOffset? Time, string? Reason = null);

/// <summary>How a site test reads: the clock and how long subscriptions are listened to.</summary>
/// <param name="TimeProvider">The clock that stamps and times the reads.</param>
/// <param name="ListenTime">How long a source that waits for messages (MQTT) listens; default 5 s.</param>
public sealed record SiteTestSettings(TimeProvider TimeProvider, TimeSpan ListenTime);

/// <summary>
/// A part of <c>loos-edge site test</c> contributed by a module: it reads a bus, a line or a set of devices once,
/// with the module's own pollers, into memory (never into the buffer, so that it runs beside the service).
/// </summary>
public interface IDeviceTest
{
    /// <summary>What is read, for the progress line: <c>modbus bus roof (3 devices)</c>.</summary>
    string Name { get; }

    /// <summary>How many devices it reads, for the progress count.</summary>
    int DeviceCount { get; }

    /// <summary>Reads each device once; a device that cannot be read is a row with its reason, never an exception.</summary>
    Task<IReadOnlyList<DeviceReading>> ReadOnceAsync(SiteTestSettings settings, CancellationToken cancellationToken);
}
