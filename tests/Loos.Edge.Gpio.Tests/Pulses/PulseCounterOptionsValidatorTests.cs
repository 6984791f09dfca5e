using Loos.Edge.Core;
using Loos.Edge.Gpio.Pulses;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class PulseCounterOptionsValidatorTests
{
    private static PulseCounterOptions Valid(string name = "general", int pin = 17) => new() { Name = name, Pin = pin, PulsesPerUnit = 1000 };

    private static ConfigurationProblems Check(params PulseCounterOptions[] counters)
    {
        var options = new GpioOptions { StateDirectory = "/var/lib/loos-edge/pulse-counters" };
        options.PulseCounters.AddRange(counters);
        return GpioOptionsValidator.Check(options);
    }

    [Fact]
    public void Check_TwoValidCounters_NoProblem()
    {
        Assert.Empty(Check(Valid(), new PulseCounterOptions { Name = "water", Pin = 27, Quantity = PulseQuantity.Volume, Unit = "l", PulsesPerUnit = 100, Home = "12" }));
    }

    [Fact]
    public void Check_DefaultsOfAnEnergyCounter_AreDocumented()
    {
        var counter = new PulseCounterOptions();

        Assert.Equal(
            (PulseEdge.Falling, TimeSpan.FromMilliseconds(5), PulseQuantity.Energy, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), 0.0),
            (counter.Edge, counter.Debounce, counter.Quantity, counter.Interval, counter.PersistInterval, counter.InitialValue));
    }

    [Fact]
    public void Check_MissingNameAndPin_ReportsBothKeys()
    {
        var problems = Check(new PulseCounterOptions { PulsesPerUnit = 1000 });

        Assert.Equal(
            ["gpio:pulseCounters:0:name is required", "gpio:pulseCounters:0:pin is required: the BCM GPIO number the S0 output is wired to (0-27)"],
            problems);
    }

    [Fact]
    public void Check_DuplicatePinAndName_NamesTheOtherCounter()
    {
        var problems = Check(Valid("general", 17), Valid("general", 17));

        Assert.Equal(
            ["gpio:pulseCounters:1:name 'general' is used by another pulse counter", "gpio:pulseCounters:1:pin: 17 is also the pin of counter 'general'"],
            problems);
    }

    [Theory]
    [InlineData(28, "gpio:pulseCounters:0:pin: 28 is not a BCM GPIO number of the 40-pin header (0-27)")]
    [InlineData(-1, "gpio:pulseCounters:0:pin: -1 is not a BCM GPIO number of the 40-pin header (0-27)")]
    public void Check_PinOffTheHeader_Reported(int pin, string expected)
    {
        Assert.Equal([expected], Check(Valid(pin: pin)));
    }

    [Fact]
    public void Check_NonPositiveNumbers_EachReportedWithItsKey()
    {
        var counter = Valid();
        counter.PulsesPerUnit = 0;
        counter.Interval = TimeSpan.Zero;
        counter.PersistInterval = TimeSpan.FromSeconds(-1);
        counter.InitialValue = -5;
        counter.Debounce = TimeSpan.FromMilliseconds(40);

        Assert.Equal(
            [
                "gpio:pulseCounters:0:debounce: 40 ms is not between 0 and 30 ms (EN 62053-31: a pulse and its pause last at least 30 ms)",
                "gpio:pulseCounters:0:pulsesPerUnit must be positive: the meter constant in pulses per kWh, printed on the meter (e.g. 1000 imp/kWh)",
                "gpio:pulseCounters:0:interval must be positive",
                "gpio:pulseCounters:0:persistInterval must be positive",
                "gpio:pulseCounters:0:initialValue must be a number at least 0: the meter's display at commissioning",
            ],
            Check(counter));
    }

    [Fact]
    public void Check_UnitOfAnotherQuantity_ListsTheUnitsOfThisOne()
    {
        var counter = Valid();
        counter.Unit = "m³";

        Assert.Equal(["gpio:pulseCounters:0:unit: 'm³' is not a unit of energy (Wh, kWh)"], Check(counter));
    }

    [Fact]
    public void Check_ReservedTags_PointAtTheirKeys()
    {
        var counter = Valid();
        counter.Tags["device"] = "x";
        counter.Tags["home"] = "12";

        Assert.Equal(
            ["gpio:pulseCounters:0:tags:device: the device tag comes from the counter's name key", "gpio:pulseCounters:0:tags:home: the home tag comes from the counter's home key"],
            Check(counter));
    }

    [Fact]
    public void Check_SimulatedDriverWithoutEdges_Reported()
    {
        var options = new GpioOptions { Driver = "simulated" };
        options.PulseCounters.Add(Valid());

        Assert.Equal(
            ["gpio:simulatedEdges is required with driver simulated: the named pipe or file the simulated pins read their edge commands from"],
            GpioOptionsValidator.Check(options));
    }

    [Fact]
    public void Check_UnknownDriver_ListsTheKnownOnes()
    {
        Assert.Equal(["gpio:driver: 'wiringpi' is not one of board, simulated"], GpioOptionsValidator.Check(new GpioOptions { Driver = "wiringpi" }));
    }
}
