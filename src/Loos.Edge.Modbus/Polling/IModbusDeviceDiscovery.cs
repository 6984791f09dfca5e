using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Modbus.Polling;

/// <summary>
/// Finds the points of a device that describes itself (a SunSpec inverter with <c>sunspec: true</c> in the site file)
/// instead of a hand-written register map. The poller calls it over the bus's own connection, through the bus
/// arbiter, when the device is first due and again on the device's back-off schedule until it succeeds.
/// Registered with the protocol that knows the map, e.g. <c>AddSunSpecDiscovery()</c>.
/// </summary>
public interface IModbusDeviceDiscovery
{
    /// <summary>
    /// Reads the device's map and returns the points to poll. Field failures (no answer, no map, a broken map) come
    /// back in the result, never as exceptions.
    /// </summary>
    /// <param name="client">The bus connection; every request it sends waits for its turn on the bus.</param>
    /// <param name="request">The device, its unit id, the tags and defaults its points get.</param>
    /// <param name="cancellationToken">Stops the discovery when the host stops.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ModbusDiscoveryResult> DiscoverAsync(IModbusClient client, ModbusDiscoveryRequest request, CancellationToken cancellationToken);
}

/// <summary>What a discovery needs to know about the device it maps.</summary>
/// <param name="Device">The device as written in the site file.</param>
/// <param name="UnitId">The unit id to read.</param>
/// <param name="Tags">The tags of every series of the device: its own tags and <c>device</c>, as for any other Modbus device.</param>
/// <param name="MaxRegistersPerRequest">The most registers one request may read from this device.</param>
public sealed record ModbusDiscoveryRequest(ModbusDeviceOptions Device, byte UnitId, IReadOnlyList<Tag> Tags, int MaxRegistersPerRequest)
{
    /// <summary>The series key of a discovered point of this device.</summary>
    public SeriesKey Series(string measurement, string field, string? unit, ValueKind kind = ValueKind.Float) =>
        new(Device.Measurement ?? measurement, Tags, field, unit ?? string.Empty, kind);
}

/// <summary>The points a discovery found, or why it found none.</summary>
/// <param name="Points">The points to poll (each read at the device's interval); empty on failure.</param>
/// <param name="Error">A one-line cause of failure, or null on success.</param>
/// <param name="Outcome">The Modbus outcome of the failed request, when a request failed; a timeout or a connection failure counts as the device not answering.</param>
/// <param name="Summary">What was found, for the log (e.g. <c>SunSpec at 40000: models 1, 101, 160; 41 points</c>).</param>
public sealed record ModbusDiscoveryResult(IReadOnlyList<ModbusPoint> Points, string? Error, ModbusOutcome? Outcome = null, string? Summary = null)
{
    /// <summary>Whether the device was mapped.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>Whether the failure was the device not answering at all (rather than answering without a usable map).</summary>
    public bool IsNoAnswer => Outcome?.Kind is ModbusOutcomeKind.Timeout or ModbusOutcomeKind.ConnectionFailed;

    /// <summary>A successful discovery.</summary>
    public static ModbusDiscoveryResult Found(IReadOnlyList<ModbusPoint> points, string summary) => new(points, null, null, summary);

    /// <summary>A failed discovery with its one-line cause.</summary>
    public static ModbusDiscoveryResult Failed(string error, ModbusOutcome? outcome = null) => new([], error, outcome);
}
