using System.Globalization;
using Loos.Edge.Modbus;
using Loos.Edge.Modbus.Points;
using Loos.Edge.Modbus.Polling;

namespace Loos.Edge.SunSpec.Polling;

/// <summary>
/// Maps a device with <c>sunspec: true</c>: walks its SunSpec model chain and turns the numeric points of the chosen
/// models into polled points, decoded with SunSpec's not-implemented values and scale factors at every read.
/// </summary>
internal sealed class SunSpecDeviceDiscovery : IModbusDeviceDiscovery
{
    /// <summary>
    /// The measurement models polled when a device names none (SunSpec model tables): inverters 101–103 (integer
    /// with scale factors) and 111–113 (float), multiple MPPT 160, DER AC measurement 701, DER storage capacity 713
    /// and DER DC measurement 714. Nameplate, settings and control models hold configuration, not measurements.
    /// </summary>
    public static IReadOnlySet<int> DefaultModels { get; } = new HashSet<int> { 101, 102, 103, 111, 112, 113, 160, 701, 713, 714 };

    public async ValueTask<ModbusDiscoveryResult> DiscoverAsync(IModbusClient client, ModbusDiscoveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var options = new SunSpecReadOptions { MaximumRegistersPerRequest = request.MaxRegistersPerRequest };
        var read = await SunSpecReader.ReadAsync(client, request.UnitId, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!read.IsSuccess)
        {
            return ModbusDiscoveryResult.Failed(read.Error ?? "the SunSpec map could not be read", read.Outcome);
        }

        return Map(read.Device!, request);
    }

    /// <summary>The points of the chosen models of <paramref name="device"/>, as the poller reads them.</summary>
    public static ModbusDiscoveryResult Map(SunSpecDevice device, ModbusDiscoveryRequest request)
    {
        var named = request.Device.SunSpecModels;
        var chosen = named.Count > 0 ? named.ToHashSet() : DefaultModels;
        var models = device.Models.Where(model => model.IsDecoded && chosen.Contains(model.Id)).ToList();
        var present = string.Join(", ", device.Models.Select(model => model.Id.ToString(CultureInfo.InvariantCulture)));
        if (models.Count == 0)
        {
            var wanted = string.Join(", ", chosen.Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));
            return ModbusDiscoveryResult.Failed($"none of the SunSpec models {wanted} is on the device (it has {present})");
        }

        var points = new List<ModbusPoint>();
        var series = new HashSet<(string Measurement, string Field)>();
        foreach (var model in models)
        {
            foreach (var description in model.PointDescriptions)
            {
                // Two models feeding one measurement (103 and 701 both measure the inverter): the first keeps the plain name.
                var field = series.Add((description.Measurement, description.Field))
                    ? description.Field
                    : description.Field + "_" + model.Id.ToString(CultureInfo.InvariantCulture);
                var key = request.Series(description.Measurement, field, description.Unit);
                points.Add(new ModbusPoint(PointTable.HoldingRegisters, description.RegisterAddress, TypeOf(description.RegisterCount), key, request.Device.Interval)
                {
                    ScaleFactorAddress = description.ScaleFactorAddress,
                    Decoder = description.TryDecode,
                });
            }
        }

        var missing = named.Where(id => !device.Models.Any(model => model.Id == id)).Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"SunSpec at {device.BaseAddress}, models {string.Join(", ", models.Select(model => model.Id))}: {points.Count} points");
        if (missing.Count > 0)
        {
            summary += $"; not on the device: {string.Join(", ", missing)} (it has {present})";
        }

        return ModbusDiscoveryResult.Found(points, summary);
    }

    // The register count is what the block reader needs; the SunSpec decoder does the decoding.
    private static PointType TypeOf(int registerCount) => registerCount switch
    {
        1 => PointType.U16,
        2 => PointType.U32,
        _ => PointType.U64,
    };
}
