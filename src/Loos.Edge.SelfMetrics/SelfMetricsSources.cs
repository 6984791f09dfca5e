using Loos.Edge.Core;
using Loos.Edge.Core.Clock;

namespace Loos.Edge.SelfMetrics;

/// <summary>The process's own resource use.</summary>
/// <param name="ResidentBytes">Resident set size (RSS).</param>
/// <param name="CpuTime">CPU time used since the process started, user and system.</param>
internal readonly record struct ProcessUsage(long ResidentBytes, TimeSpan CpuTime)
{
    /// <summary>This process now (<c>/proc/self</c> on Linux, through the runtime).</summary>
    public static ProcessUsage Current() => new(Environment.WorkingSet, Environment.CpuUsage.TotalTime);
}

/// <summary>What the self-metrics sample: what the health endpoint reads, plus the broker connection, the clock and the process.</summary>
/// <param name="Buffer">The buffer's statistics.</param>
/// <param name="Forwarder">The forwarding targets, when a forwarder runs.</param>
/// <param name="Devices">Every module's devices, as health lists them.</param>
/// <param name="Broker">The MQTT connection, when an mqtt section exists.</param>
/// <param name="Clock">Whether the system clock is synchronised.</param>
/// <param name="Process">The process's resource use.</param>
/// <param name="ClockMonitor">The clock gate's state (synchronised, readings held back), when registered; it then answers for <paramref name="Clock"/>.</param>
internal sealed record SelfMetricsSources(
    IBufferMonitor Buffer,
    IForwarderMonitor? Forwarder,
    IReadOnlyList<IDeviceMonitor> Devices,
    IBrokerConnectionMonitor? Broker,
    IClockTrust Clock,
    Func<ProcessUsage> Process,
    IClockMonitor? ClockMonitor = null);
