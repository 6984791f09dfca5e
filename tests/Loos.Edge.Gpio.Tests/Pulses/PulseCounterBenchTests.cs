using System.Device.Gpio;
using System.Diagnostics;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;

namespace Loos.Edge.Gpio.Tests.Pulses;

/// <summary>
/// Runs only on the bench rig, a Raspberry Pi with <c>LOOS_EDGE_GPIO_BENCH=1</c> set: a jumper from GPIO 27 (header
/// pin 13), driven as an output in place of an S0 contact, to GPIO 17 (header pin 11), counted by the board's driver.
/// The user running the tests is in the group <c>gpio</c>.
/// </summary>
[Trait("Category", "Hardware")]
public sealed class PulseCounterBenchTests
{
    private const int Output = 27;
    private const int Input = 17;

    [GpioBenchFact]
    public void BoardDriver_50HzPulsesOnAJumper_CountedExactly()
    {
        using var controller = GpioDrivers.Open(GpioDrivers.Board, null);
        controller.OpenPin(Output, PinMode.Output, PinValue.High);
        using var input = PulseInput.Open(controller, Input, PinEventTypes.Falling, TimeSpan.FromMilliseconds(5), TimeProvider.System);

        for (var i = 0; i < 500; i++)
        {
            controller.Write(Output, PinValue.Low);
            SpinFor(TimeSpan.FromMilliseconds(10));
            controller.Write(Output, PinValue.High);
            SpinFor(TimeSpan.FromMilliseconds(10));
        }

        Thread.Sleep(200);
        Assert.Equal(500, input.Snapshot().Pulses);
    }

    private static void SpinFor(TimeSpan span)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < span)
        {
            Thread.SpinWait(100);
        }
    }
}

/// <summary>A fact that runs only on the GPIO bench rig (<c>LOOS_EDGE_GPIO_BENCH=1</c>).</summary>
public sealed class GpioBenchFactAttribute : FactAttribute
{
    public GpioBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LOOS_EDGE_GPIO_BENCH") != "1")
        {
            Skip = "Not on the GPIO bench rig: set LOOS_EDGE_GPIO_BENCH=1 on a Raspberry Pi with GPIO 27 jumpered to GPIO 17.";
        }
    }
}
