using System.Device.Gpio;

namespace Loos.Edge.Gpio.Pulses;

/// <summary>What a <see cref="PulseInput"/> has counted, read at once.</summary>
/// <param name="Pulses">Pulses counted since the input was opened.</param>
/// <param name="RejectedEdges">Counted edges dropped as contact bounce.</param>
/// <param name="LastPulseTimestamp">The <see cref="TimeProvider.GetTimestamp"/> of the last pulse; null before the first.</param>
/// <param name="PreviousPulseTimestamp">The timestamp of the pulse before it; null before the second.</param>
public readonly record struct PulseSnapshot(long Pulses, long RejectedEdges, long? LastPulseTimestamp, long? PreviousPulseTimestamp);

/// <summary>
/// An S0 pulse input on one GPIO pin: counts the pin's active edges (see <see cref="PulseCounterOptions.Edge"/>)
/// through the driver's edge events, with a software debounce. An active edge counts only when at least the debounce
/// time has passed both since the last counted pulse (bounce when the contact closes) and since the last inactive
/// edge (bounce when it opens: release bounce makes active edges too). Edges are timed when the driver reports them,
/// with <see cref="TimeProvider.GetTimestamp"/>. Thread-safe.
/// </summary>
public sealed class PulseInput : IDisposable
{
    private readonly GpioController controller;
    private readonly PinEventTypes activeEdge;
    private readonly TimeSpan debounce;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private long pulses;
    private long rejected;
    private long? lastPulse;
    private long? previousPulse;
    private long? lastInactiveEdge;
    private bool disposed;

    private PulseInput(GpioController controller, int pin, PinEventTypes activeEdge, TimeSpan debounce, TimeProvider timeProvider)
    {
        this.controller = controller;
        Pin = pin;
        this.activeEdge = activeEdge;
        this.debounce = debounce;
        this.timeProvider = timeProvider;
    }

    /// <summary>The BCM pin number.</summary>
    public int Pin { get; }

    /// <summary>
    /// Opens <paramref name="pin"/> as an input (pulled up when <paramref name="edge"/> is falling, down when rising,
    /// where the driver can) and starts counting.
    /// </summary>
    /// <exception cref="GpioUnavailableException">The pin cannot be opened; the message says why (no chip, permission, in use).</exception>
    /// <exception cref="ArgumentException"><paramref name="edge"/> is not exactly one of rising or falling, or <paramref name="debounce"/> is negative.</exception>
    public static PulseInput Open(GpioController controller, int pin, PinEventTypes edge, TimeSpan debounce, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (edge is not (PinEventTypes.Rising or PinEventTypes.Falling))
        {
            throw new ArgumentException("The counted edge is rising or falling.", nameof(edge));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(debounce, TimeSpan.Zero);
        var input = new PulseInput(controller, pin, edge, debounce, timeProvider);
        var opened = false;
        try
        {
            var pull = edge == PinEventTypes.Falling ? PinMode.InputPullUp : PinMode.InputPullDown;
            controller.OpenPin(pin);
            opened = true;
            controller.SetPinMode(pin, controller.IsPinModeSupported(pin, pull) ? pull : PinMode.Input);

            // Both edges: the inactive one times the release, to tell release bounce from a pulse.
            controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, input.OnEdge);
            return input;
        }
        catch (Exception exception) when (exception is not (GpioUnavailableException or OutOfMemoryException))
        {
            if (opened)
            {
                try
                {
                    controller.ClosePin(pin);
                }
                catch (Exception closing) when (closing is not OutOfMemoryException)
                {
                    // The pin was never usable; the cause worth reporting is the first one.
                }
            }

            throw new GpioUnavailableException(GpioUnavailableException.Explain(pin, exception), exception);
        }
    }

    /// <summary>What has been counted so far.</summary>
    public PulseSnapshot Snapshot()
    {
        lock (gate)
        {
            return new PulseSnapshot(pulses, rejected, lastPulse, previousPulse);
        }
    }

    /// <summary>Stops counting and closes the pin; pulses after this are not counted.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }

        try
        {
            controller.UnregisterCallbackForPinValueChangedEvent(Pin, OnEdge);
            controller.ClosePin(Pin);
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The controller is already gone with its pins.
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs args)
    {
        var now = timeProvider.GetTimestamp();
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            if (args.ChangeType != activeEdge)
            {
                lastInactiveEdge = now;
                return;
            }

            if (lastPulse is { } last && timeProvider.GetElapsedTime(last, now) < debounce
                || lastInactiveEdge is { } release && timeProvider.GetElapsedTime(release, now) < debounce)
            {
                rejected++;
                return;
            }

            pulses++;
            previousPulse = lastPulse;
            lastPulse = now;
        }
    }
}
