using System.Net.Sockets;
using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Polling.Commissioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Modbus.Polling;

/// <summary>What the doctor checks of the Modbus buses, and how the site test reads them: with the bus poller itself.</summary>
internal static class ModbusCommissioning
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A serial bus' port; a TCP bus' gateway reachable.</summary>
    public static IEnumerable<IDoctorCheck> Checks(ModbusOptions options) =>
        options.Buses.Select(bus => bus.Kind == "rtu"
            ? SerialPortCheck.For(bus.Device ?? string.Empty, "modbus bus " + bus.Name)
            : TcpCheck($"modbus bus {bus.Name} ({bus.Host}:{bus.Port})", bus.Host ?? string.Empty, bus.Port));

    /// <summary>The planned points an hour; a SunSpec device's points are only known once discovered, so it counts none.</summary>
    public static double ReadingsPerHour(ModbusOptions options) =>
        ModbusPlanner.Plan(options, new ConfigurationProblems())
            .SelectMany(bus => bus.Devices)
            .SelectMany(device => device.Groups)
            .Sum(group => group.EmittedCount * (TimeSpan.FromHours(1) / group.Interval));

    /// <summary>
    /// One test per bus, reading the devices <paramref name="include"/> selects (the SunSpec module reads those it
    /// discovers, with its <paramref name="discovery"/>). A device that does not answer is reported at its first
    /// silence: nothing is backed off in a one-shot read.
    /// </summary>
    public static IEnumerable<IDeviceTest> DeviceTests(ModbusOptions options, Func<DevicePlan, bool> include, IModbusDeviceDiscovery? discovery = null)
    {
        var plans = ModbusPlanner.Plan(options, new ConfigurationProblems());
        foreach (var plan in plans)
        {
            var devices = plan.Devices.Where(include).ToList();
            if (devices.Count == 0)
            {
                continue;
            }

            plan.Options.OfflineAfterTimeouts = 1;
            var busPlan = plan with { Devices = devices };
            yield return new PollerDeviceTest(
                $"modbus bus {plan.Options.Name}",
                devices.Count,
                (sink, catalog, timeProvider, logger) =>
                {
                    var factory = new ModbusClientFactory(NullLoggerFactory.Instance, timeProvider);
                    return new ModbusBusPoller(busPlan, [factory.Create(plan.Options)], sink, catalog, timeProvider, logger, discovery);
                });
        }
    }

    /// <summary>A check that a TCP server (a Modbus gateway, a device) accepts connections.</summary>
    public static IDoctorCheck TcpCheck(string name, string host, int port) => new DoctorCheck(name, async cancellationToken =>
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return CheckResult.Pass($"{host}:{port} accepts connections");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail($"{host}:{port}: no answer within {ConnectTimeout.TotalSeconds:0} s", "check the address, the network and that the device is powered");
        }
        catch (SocketException exception)
        {
            return CheckResult.Fail($"{host}:{port}: {exception.Message}", "check the address, the port and that the device is powered");
        }
    });
}
