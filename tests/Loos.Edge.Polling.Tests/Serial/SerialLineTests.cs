using System.IO.Ports;
using Loos.Edge.Polling.Serial;
using Loos.Edge.Testing;

namespace Loos.Edge.Polling.Tests.Serial;

/// <summary>The serial line of the Modbus RTU and M-Bus masters, on a socat pseudo-terminal pair (parity N: a pseudo-terminal refuses parity).</summary>
public sealed class SerialLineTests : IAsyncLifetime
{
    private SerialPortPair pair = null!;

    public async Task InitializeAsync() => pair = await SerialPortPair.StartAsync();

    public async Task DisposeAsync() => await pair.DisposeAsync();

    [Fact]
    public async Task OpenAsync_on_a_missing_device_says_which_device_at_which_baud_rate_and_parity()
    {
        using var line = new SerialLine(new SerialLineSettings("/dev/ttyNOPE9", 2400, Parity.Even, 8, StopBits.One));

        var failure = await line.OpenAsync(CancellationToken.None);

        Assert.StartsWith("could not open /dev/ttyNOPE9 at 2400 baud, parity even: /dev/ttyNOPE9 does not exist (", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", failure, StringComparison.OrdinalIgnoreCase);
        Assert.False(line.IsOpen);
    }

    [Fact]
    public async Task OpenAsync_on_a_link_whose_device_is_gone_says_it_does_not_exist_and_lists_the_ports_there_are()
    {
        var link = Path.Combine(pair.Directory, "ttyGONE");
        File.CreateSymbolicLink(link, "/dev/pts/99999");
        var usb = Directory.GetFiles("/dev", "ttyUSB*").Order(StringComparer.Ordinal).ToList();
        using var line = new SerialLine(new SerialLineSettings(link, 9600, Parity.None, 8, StopBits.One));

        var failure = await line.OpenAsync(CancellationToken.None);

        Assert.Contains($"{link} does not exist (", failure, StringComparison.Ordinal);
        Assert.All(usb, port => Assert.Contains(port, failure, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_frame_goes_across_and_bytes_that_arrived_before_a_request_are_dropped()
    {
        using var device = new SerialPort(pair.DevicePath, 9600, Parity.None, 8, StopBits.One) { ReadTimeout = 5000 };
        device.Open();
        using var line = new SerialLine(new SerialLineSettings(pair.GatewayPath, 9600, Parity.None, 8, StopBits.One), "rtu://test");
        Assert.Null(await line.OpenAsync(CancellationToken.None));
        Assert.True(line.IsOpen);
        Assert.Equal("rtu://test", line.Endpoint);

        await line.WriteAsync(new byte[] { 0x10, 0x40, 0x05, 0x45, 0x16 }, CancellationToken.None);
        var request = new byte[5];
        for (var read = 0; read < request.Length;)
        {
            read += device.Read(request, read, request.Length - read);
        }

        Assert.Equal([0x10, 0x40, 0x05, 0x45, 0x16], request);
        device.Write([0xAA, 0xBB, 0xCC], 0, 3);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var dropped = 0;
        while (dropped < 3 && DateTime.UtcNow < deadline)
        {
            dropped += line.DiscardInput();
            await Task.Delay(10);
        }

        Assert.Equal(3, dropped);
        device.Write([0xE5], 0, 1);
        var reply = new byte[8];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await line.ReadAsync(reply, timeout.Token));
        Assert.Equal(0xE5, reply[0]);

        line.Close();
        Assert.False(line.IsOpen);
    }
}
