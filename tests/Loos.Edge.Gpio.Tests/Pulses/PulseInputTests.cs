using System.Device.Gpio;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Gpio.Tests.Pulses;

public sealed class PulseInputTests : IDisposable
{
    private const int Pin = 17;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
    private readonly SimulatedGpioDriver driver = new();
    private readonly GpioController controller;
    private readonly S0Wire wire;

    public PulseInputTests()
    {
        controller = new GpioController(driver);
        wire = new S0Wire(driver, time, Pin);
    }

    public void Dispose() => controller.Dispose();

    private PulseInput Open(double debounceMilliseconds = 5, PinEventTypes edge = PinEventTypes.Falling) =>
        PulseInput.Open(controller, Pin, edge, TimeSpan.FromMilliseconds(debounceMilliseconds), time);

    [Theory]
    [InlineData(20, 10, 3, 3)]
    [InlineData(20, 10, 0, 0)]
    [InlineData(60, 30, 5, 5)]
    [InlineData(100, 30, 8, 2)]
    public void Pulses_UpTo50HzWithContactBounce_CountedExactly(double periodMilliseconds, double widthMilliseconds, int closeBounces, int openBounces)
    {
        using var input = Open();

        for (var i = 0; i < 1500; i++)
        {
            wire.Pulse(periodMilliseconds, widthMilliseconds, closeBounces, openBounces);
        }

        var snapshot = input.Snapshot();
        Assert.Equal(1500, snapshot.Pulses);
        Assert.Equal(1500L * (closeBounces + openBounces), snapshot.RejectedEdges);
    }

    [Fact]
    public void Snapshot_AfterPulses_HoldsTheTimesOfTheLastTwo()
    {
        using var input = Open();
        var first = time.GetTimestamp();
        wire.Pulse(20, 10);
        wire.Pulse(250, 30);

        var snapshot = input.Snapshot();
        Assert.NotNull(snapshot.LastPulseTimestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(20), time.GetElapsedTime(snapshot.PreviousPulseTimestamp!.Value, snapshot.LastPulseTimestamp!.Value));
        Assert.Equal(first, snapshot.PreviousPulseTimestamp);
    }

    [Fact]
    public void Debounce_EdgeExactlyDebounceAfterTheLastPulse_Counts()
    {
        using var input = Open(debounceMilliseconds: 5);
        wire.Drive(PinValue.Low);
        wire.Drive(PinValue.High);

        wire.Drive(PinValue.Low, afterMilliseconds: 5);

        Assert.Equal(2, input.Snapshot().Pulses);
    }

    [Fact]
    public void Debounce_EdgeJustUnderDebounceAfterTheLastPulse_IsBounce()
    {
        using var input = Open(debounceMilliseconds: 5);
        wire.Drive(PinValue.Low);
        wire.Drive(PinValue.High);

        wire.Drive(PinValue.Low, afterMilliseconds: 4.9999);

        Assert.Equal((1, 1), (input.Snapshot().Pulses, input.Snapshot().RejectedEdges));
    }

    [Fact]
    public void Debounce_ReleaseBounceLongAfterThePulse_IsNotAPulse()
    {
        using var input = Open(debounceMilliseconds: 5);
        wire.Drive(PinValue.Low);

        // The contact opens 80 ms later and bounces: a falling edge 1 ms after the rising one.
        wire.Drive(PinValue.High, afterMilliseconds: 80);
        wire.Drive(PinValue.Low, afterMilliseconds: 1);
        wire.Drive(PinValue.High, afterMilliseconds: 1);

        Assert.Equal((1, 1), (input.Snapshot().Pulses, input.Snapshot().RejectedEdges));
    }

    [Fact]
    public void Debounce_PulseAfterAShortPause_CountsOnceThePauseReachesTheDebounce()
    {
        using var input = Open(debounceMilliseconds: 5);
        wire.Drive(PinValue.Low);
        wire.Drive(PinValue.High, afterMilliseconds: 30);

        wire.Drive(PinValue.Low, afterMilliseconds: 4);
        wire.Drive(PinValue.High, afterMilliseconds: 30);
        wire.Drive(PinValue.Low, afterMilliseconds: 5);

        Assert.Equal((2, 1), (input.Snapshot().Pulses, input.Snapshot().RejectedEdges));
    }

    [Fact]
    public void Debounce_Zero_CountsEveryFallingEdge()
    {
        using var input = Open(debounceMilliseconds: 0);

        wire.Pulse(10, 5, closeBounces: 2);

        Assert.Equal(3, input.Snapshot().Pulses);
    }

    [Fact]
    public void Open_RisingEdge_CountsRisingEdgesWithThePinPulledDown()
    {
        driver.Drive(Pin, PinValue.Low);
        using var input = Open(edge: PinEventTypes.Rising);

        wire.Drive(PinValue.High, 10);
        wire.Drive(PinValue.Low, 30);
        wire.Drive(PinValue.High, 30);

        Assert.Equal(2, input.Snapshot().Pulses);
        Assert.Equal(PinMode.InputPullDown, controller.GetPinMode(Pin));
    }

    [Fact]
    public void Open_FallingEdge_PullsThePinUp()
    {
        using var input = Open();

        Assert.Equal(PinMode.InputPullUp, controller.GetPinMode(Pin));
    }

    [Fact]
    public void Dispose_ThenPulses_NotCountedAndPinClosed()
    {
        var input = Open();
        wire.Pulse(100, 30);

        input.Dispose();
        wire.Pulse(100, 30);

        Assert.Equal(1, input.Snapshot().Pulses);
        Assert.False(driver.IsOpen(Pin));
        Assert.Equal(0, driver.CallbackCount(Pin));
    }

    [Fact]
    public void Open_PinTheDriverDoesNotHave_ThrowsNamingThePin()
    {
        var failure = Assert.Throws<GpioUnavailableException>(() => PulseInput.Open(controller, 40, PinEventTypes.Falling, TimeSpan.FromMilliseconds(5), time));

        Assert.StartsWith("GPIO 40 cannot be opened", failure.Message, StringComparison.Ordinal);
    }
}
