using System.Device.Gpio;

namespace Loos.Edge.Gpio.Drivers;

/// <summary>
/// A GPIO driver with no hardware behind it, for commissioning, demos and tests: every input is pulled up (high)
/// until something drives it with <see cref="Drive"/>, as an S0 contact would, and every level change raises the edge
/// callbacks registered on the pin, on the caller's thread. <see cref="FromEdgeCommands"/> drives it from a named pipe
/// or a file of edge commands instead (see <see cref="SimulatedEdgeFeed"/>).
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    /// <summary>BCM GPIO 0–27, the numbers on a Raspberry Pi's 40-pin header.</summary>
    public const int Pins = 28;

    private readonly Lock gate = new();
    private readonly PinValue[] levels = Enumerable.Repeat(PinValue.High, Pins).ToArray();
    private readonly PinMode?[] modes = new PinMode?[Pins];
    private readonly List<(PinEventTypes Events, PinChangeEventHandler Handler)>[] callbacks =
        Enumerable.Range(0, Pins).Select(_ => new List<(PinEventTypes, PinChangeEventHandler)>()).ToArray();
    private SimulatedEdgeFeed? feed;

    /// <summary>A driver whose pins follow the edge commands read from <paramref name="path"/>; disposing it stops the reading.</summary>
    public static SimulatedGpioDriver FromEdgeCommands(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var driver = new SimulatedGpioDriver();
        driver.feed = SimulatedEdgeFeed.Start(driver, path);
        return driver;
    }

    /// <summary>The edge commands played so far when fed from a file; 0 otherwise.</summary>
    public long CommandsPlayed => feed?.CommandsPlayed ?? 0;

    /// <summary>How many callbacks are registered on <paramref name="pin"/>.</summary>
    public int CallbackCount(int pin)
    {
        CheckPin(pin);
        lock (gate)
        {
            return callbacks[pin].Count;
        }
    }

    /// <summary>Whether <paramref name="pin"/> is open.</summary>
    public bool IsOpen(int pin)
    {
        CheckPin(pin);
        lock (gate)
        {
            return modes[pin] is not null;
        }
    }

    /// <summary>
    /// Drives the wire of <paramref name="pin"/> to <paramref name="value"/>, open or not; when the level changes, the
    /// callbacks registered for that edge run before this returns.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pin"/> is not 0–27.</exception>
    public void Drive(int pin, PinValue value)
    {
        CheckPin(pin);
        PinChangeEventHandler[] handlers;
        PinEventTypes edge;
        lock (gate)
        {
            if (levels[pin] == value)
            {
                return;
            }

            levels[pin] = value;
            edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            handlers = [.. callbacks[pin].Where(c => (c.Events & edge) != 0).Select(c => c.Handler)];
        }

        foreach (var handler in handlers)
        {
            handler(this, new PinValueChangedEventArgs(edge, pin));
        }
    }

    /// <inheritdoc />
    protected override int PinCount => Pins;

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            modes[pinNumber] ??= PinMode.Input;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            modes[pinNumber] = null;
            callbacks[pinNumber].Clear();
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            modes[pinNumber] = mode;
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            return modes[pinNumber] ?? PinMode.Input;
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            return levels[pinNumber];
        }
    }

    /// <inheritdoc />
    protected override void Toggle(int pinNumber) => Write(pinNumber, !Read(pinNumber));

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value) => Drive(pinNumber, value);

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var happened = new ManualResetEventSlim();
        var seen = PinEventTypes.None;
        void OnEdge(object sender, PinValueChangedEventArgs args)
        {
            seen = args.ChangeType;
            happened.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, OnEdge);
        try
        {
            happened.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, OnEdge);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            callbacks[pinNumber].Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        lock (gate)
        {
            callbacks[pinNumber].RemoveAll(c => c.Handler == callback);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            feed?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void CheckPin(int pin) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)pin, (uint)Pins, nameof(pin));
}
