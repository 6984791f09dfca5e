namespace Loos.Edge.Polling.Tests;

public sealed class DeviceCircuitTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordTimeout_ThirdConsecutive_TakesTheDeviceOfflineOnce()
    {
        var circuit = new DeviceCircuit(new DeviceCircuitOptions());

        Assert.False(circuit.RecordTimeout(Start));
        Assert.False(circuit.RecordTimeout(Start.AddSeconds(1)));
        Assert.Equal(DeviceState.Online, circuit.State);
        Assert.True(circuit.RecordTimeout(Start.AddSeconds(2)));
        Assert.Equal(DeviceState.Offline, circuit.State);
        Assert.False(circuit.RecordTimeout(Start.AddSeconds(3)));
    }

    [Fact]
    public void RecordAnswer_BetweenTimeouts_ResetsTheCount()
    {
        var circuit = new DeviceCircuit(new DeviceCircuitOptions());

        circuit.RecordTimeout(Start);
        circuit.RecordTimeout(Start);
        Assert.False(circuit.RecordAnswer());
        circuit.RecordTimeout(Start);
        circuit.RecordTimeout(Start);

        Assert.Equal(DeviceState.Online, circuit.State);
    }

    [Fact]
    public void ShouldPoll_Offline_OneProbePerBackoffDoublingUpToTheMaximum()
    {
        var options = new DeviceCircuitOptions { OfflineAfterTimeouts = 1, InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(35) };
        var circuit = new DeviceCircuit(options);
        var now = Start;
        circuit.RecordTimeout(now);
        var probeGaps = new List<TimeSpan>();
        var lastProbe = now;

        // A poller asking every second for 3 minutes; every probe times out.
        for (var second = 1; second <= 180; second++)
        {
            now = Start.AddSeconds(second);
            if (circuit.ShouldPoll(now, out var isProbe))
            {
                Assert.True(isProbe);
                probeGaps.Add(now - lastProbe);
                lastProbe = now;
                circuit.RecordTimeout(now);
            }
        }

        // Probes at 10, 30, 65, 100, 135 and 170 s.
        Assert.Equal([10, 20, 35, 35, 35, 35], probeGaps.Select(g => g.TotalSeconds));
    }

    [Fact]
    public void RecordAnswer_OfflineDevice_BringsItOnlineAndPollsFully()
    {
        var circuit = new DeviceCircuit(new DeviceCircuitOptions { OfflineAfterTimeouts = 1 });
        circuit.RecordTimeout(Start);

        Assert.False(circuit.ShouldPoll(Start.AddSeconds(5), out _));
        Assert.True(circuit.ShouldPoll(Start.AddSeconds(10), out var isProbe));
        Assert.True(isProbe);
        Assert.True(circuit.RecordAnswer());
        Assert.Equal(DeviceState.Online, circuit.State);
        Assert.True(circuit.ShouldPoll(Start.AddSeconds(10), out isProbe));
        Assert.False(isProbe);
        Assert.Equal(TimeSpan.Zero, circuit.Backoff);
    }

    [Fact]
    public void Constructor_MaxBackoffBelowInitial_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DeviceCircuit(new DeviceCircuitOptions { InitialBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromSeconds(1) }));
    }
}
