using Loos.Edge.Buffer;
using Loos.Edge.Forwarding;
using Loos.Edge.Forwarding.Clock;
using Loos.Edge.Gpio;
using Loos.Edge.Heating;
using Loos.Edge.Http;
using Loos.Edge.Lighting;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Modules;
using Loos.Edge.Mqtt;
using Loos.Edge.Rollups;
using Loos.Edge.SelfMetrics;
using Loos.Edge.Simulation;
using Loos.Edge.SunSpec.Polling;
using Loos.Edge.Web;

namespace Loos.Edge.Hosting;

/// <summary>The modules of the gateway, in the order they are prepared, started and listed: adding a module is one line here.</summary>
internal static class GatewayModules
{
    /// <summary>
    /// Every module. The buffer comes first (the forwarder, GPIO and rollups keep their files beside it), the clock
    /// just after it (it wraps the buffer's sink before any source takes it), the
    /// listener before health (health checks it does not share the listener's port), health before the self-metrics
    /// (which take its interval), Modbus before SunSpec discovery, the heating report before rollups (which count heat
    /// meters by its rules), lighting after MQTT and GPIO (whose connections and lines its circuits use).
    /// </summary>
    public static IReadOnlyList<GatewayModule> All { get; } =
    [
        new BufferModule(),
        new ClockModule(),
        new ForwarderModule(),
        new ListenerModule(),
        new HealthModule(),
        new SelfMetricsModule(),
        new SimulationModule(),
        new ModbusModule(),
        new SunSpecModule(),
        new MBusModule(),
        new MqttModule(),
        new GpioModule(),
        new HeatingModule(),
        new RollupsModule(),
        new LightingModule(),
        new WebModule(),
    ];
}
