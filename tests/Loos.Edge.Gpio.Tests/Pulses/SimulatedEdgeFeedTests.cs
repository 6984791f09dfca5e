using System.Device.Gpio;
using Loos.Edge.Gpio.Drivers;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class SimulatedEdgeFeedTests
{
    [Theory]
    [InlineData("17 pulse", SimulatedEdgeAction.Pulse, 17, 1, 20)]
    [InlineData("17 pulse 250", SimulatedEdgeAction.Pulse, 17, 250, 20)]
    [InlineData("  4 pulse 10 every 1000 ", SimulatedEdgeAction.Pulse, 4, 10, 1000)]
    [InlineData("4 pulse 10 every 5", SimulatedEdgeAction.Pulse, 4, 10, 20)]
    [InlineData("27 low", SimulatedEdgeAction.Low, 27, 1, 0)]
    [InlineData("27 high", SimulatedEdgeAction.High, 27, 1, 0)]
    [InlineData("sleep 500", SimulatedEdgeAction.Sleep, -1, 0, 500)]
    public void TryParse_Command_Parsed(string line, SimulatedEdgeAction action, int pin, int count, double periodMilliseconds)
    {
        Assert.True(SimulatedEdgeFeed.TryParse(line, out var command));

        Assert.Equal(new SimulatedEdgeCommand(action, pin, count, TimeSpan.FromMilliseconds(periodMilliseconds)), command);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# a comment")]
    [InlineData("28 pulse")]
    [InlineData("17 pulse 0")]
    [InlineData("17 pulse many")]
    [InlineData("17 toggle")]
    [InlineData("17 pulse 3 every")]
    public void TryParse_NotACommand_Skipped(string line)
    {
        Assert.False(SimulatedEdgeFeed.TryParse(line, out _));
    }

    [Fact]
    public void FromEdgeCommands_File_PlaysItsPulsesOnceThePinIsOpen()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# two pulses, then a bounce\n17 pulse 2\n17 low\n17 high\n");
            var driver = SimulatedGpioDriver.FromEdgeCommands(path);
            using var controller = new GpioController(driver);
            var falling = 0;
            controller.OpenPin(17, PinMode.InputPullUp);
            controller.RegisterCallbackForPinValueChangedEvent(17, PinEventTypes.Falling, (_, _) => Interlocked.Increment(ref falling));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (driver.CommandsPlayed < 3 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            Assert.Equal(3, Volatile.Read(ref falling));
            Assert.Equal(PinValue.High, controller.Read(17));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromEdgeCommands_NamedPipe_CommandsNotYetPlayedAreLeftForTheNextReader()
    {
        var directory = Directory.CreateTempSubdirectory("loos-edge-feed-");
        try
        {
            var path = Path.Combine(directory.FullName, "edges");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]))
            {
                mkfifo.WaitForExit();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            // Held open for reading and writing, as a meter that keeps pulsing while the gateway restarts.
            using var pipe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            pipe.Write("17 pulse 3 every 200\n17 pulse\n17 pulse\n"u8);

            // The first reader dies during its first command.
            var first = CountFallingEdges(path, until: falling => falling >= 1);
            Assert.Equal(1, first);

            // The next one plays the two commands the first had not reached.
            Assert.Equal(2, CountFallingEdges(path, until: falling => falling >= 2));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static int CountFallingEdges(string path, Func<int, bool> until)
    {
        var falling = 0;
        using (var controller = new GpioController(SimulatedGpioDriver.FromEdgeCommands(path)))
        {
            controller.OpenPin(17, PinMode.InputPullUp);
            controller.RegisterCallbackForPinValueChangedEvent(17, PinEventTypes.Falling, (_, _) => Interlocked.Increment(ref falling));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!until(Volatile.Read(ref falling)) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }

        // A command being played when its reader stops finishes its current pulse at most.
        Thread.Sleep(300);
        return Volatile.Read(ref falling);
    }
}
