using System.Device.Gpio;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Loos.Edge.Gpio.Drivers;

/// <summary>
/// Plays edge commands on a <see cref="SimulatedGpioDriver"/>, in real time, on its own background thread. The source
/// is a named pipe (each command is consumed once, whoever runs: what a test or a demo script writes into it reaches
/// the gateway once, across restarts) or a regular file (played from its start, then followed as it grows). One
/// command a line; blank lines, <c>#</c> comments and lines that do not parse are skipped:
/// <list type="bullet">
/// <item><c>PIN pulse [COUNT [every MS]]</c>: COUNT pulses (default 1): the pin low for 10 ms then high again, one
/// pulse every MS milliseconds (default 20, the least: 50 Hz);</item>
/// <item><c>PIN low</c>, <c>PIN high</c>: one level change, for bounce patterns;</item>
/// <item><c>sleep MS</c>: a pause.</item>
/// </list>
/// A command for a pin waits until an edge callback is registered on it, as if the meter were wired when the pin is
/// opened: no pulse falls between the start of a program and the opening of its pins.
/// </summary>
public sealed class SimulatedEdgeFeed : IDisposable
{
    /// <summary>How long a simulated pulse holds the pin low; an S0 pulse lasts at least 30 ms (EN 62053-31), 10 ms allows 50 Hz.</summary>
    public static readonly TimeSpan PulseWidth = TimeSpan.FromMilliseconds(10);

    /// <summary>The shortest pulse period, 20 ms (50 Hz).</summary>
    public static readonly TimeSpan ShortestPeriod = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(20);

    private readonly SimulatedGpioDriver driver;
    private readonly string path;
    private readonly CancellationTokenSource stopping = new();
    private long commandsPlayed;

    private SimulatedEdgeFeed(SimulatedGpioDriver driver, string path)
    {
        this.driver = driver;
        this.path = path;
    }

    /// <summary>The commands played so far.</summary>
    public long CommandsPlayed => Interlocked.Read(ref commandsPlayed);

    /// <summary>Starts playing the commands of <paramref name="path"/> on <paramref name="driver"/>.</summary>
    public static SimulatedEdgeFeed Start(SimulatedGpioDriver driver, string path)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var feed = new SimulatedEdgeFeed(driver, path);

        // A background thread: opening a named pipe blocks until a writer opens it, and must not hold the process.
        new Thread(feed.Run) { IsBackground = true, Name = "gpio-simulated-edges" }.Start();
        return feed;
    }

    /// <summary>Parses one command line; false for blank lines, comments and lines that do not parse.</summary>
    public static bool TryParse(string line, out SimulatedEdgeCommand command)
    {
        ArgumentNullException.ThrowIfNull(line);
        command = default;
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].StartsWith('#'))
        {
            return false;
        }

        if (words is ["sleep", var pause] && int.TryParse(pause, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            command = new SimulatedEdgeCommand(SimulatedEdgeAction.Sleep, -1, 0, TimeSpan.FromMilliseconds(milliseconds));
            return true;
        }

        if (words.Length < 2 || !int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pin) || pin >= SimulatedGpioDriver.Pins)
        {
            return false;
        }

        switch (words[1..])
        {
            case ["low"]:
                command = new SimulatedEdgeCommand(SimulatedEdgeAction.Low, pin, 1, TimeSpan.Zero);
                return true;
            case ["high"]:
                command = new SimulatedEdgeCommand(SimulatedEdgeAction.High, pin, 1, TimeSpan.Zero);
                return true;
            case ["pulse"]:
                command = new SimulatedEdgeCommand(SimulatedEdgeAction.Pulse, pin, 1, ShortestPeriod);
                return true;
            case ["pulse", var countText, .. var rest] when int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0:
                var period = ShortestPeriod;
                if (rest is ["every", var periodText] && int.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var periodMilliseconds))
                {
                    period = TimeSpan.FromMilliseconds(Math.Max(periodMilliseconds, ShortestPeriod.TotalMilliseconds));
                }
                else if (rest.Length > 0)
                {
                    return false;
                }

                command = new SimulatedEdgeCommand(SimulatedEdgeAction.Pulse, pin, count, period);
                return true;
            default:
                return false;
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private void Run()
    {
        CancellationToken token;
        try
        {
            token = stopping.Token;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            // Unbuffered, and one byte at a time: a command stays in the pipe until it is played, so the commands
            // not yet played when the process dies are played by the next one, as pulses still to come would be.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
            var line = new List<byte>();
            while (!token.IsCancellationRequested)
            {
                var next = stream.ReadByte();
                if (next < 0)
                {
                    // End of a file that may still grow, or a named pipe with no writer left: wait for more.
                    token.WaitHandle.WaitOne(IdlePoll);
                    continue;
                }

                if (next != '\n')
                {
                    line.Add((byte)next);
                    continue;
                }

                if (TryParse(Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(line)), out var command))
                {
                    Play(command, token);
                    Interlocked.Increment(ref commandsPlayed);
                }

                line.Clear();
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // A simulation only: a missing source plays nothing, as an unwired meter would.
        }
    }

    private void Play(SimulatedEdgeCommand command, CancellationToken token)
    {
        // The simulated meter is wired once something listens to the pin, so no pulse falls between start and open.
        while (command.Pin >= 0 && driver.CallbackCount(command.Pin) == 0 && !token.IsCancellationRequested)
        {
            token.WaitHandle.WaitOne(IdlePoll);
        }

        switch (command.Action)
        {
            case SimulatedEdgeAction.Sleep:
                token.WaitHandle.WaitOne(command.Period);
                break;
            case SimulatedEdgeAction.Low:
                driver.Drive(command.Pin, PinValue.Low);
                break;
            case SimulatedEdgeAction.High:
                driver.Drive(command.Pin, PinValue.High);
                break;
            case SimulatedEdgeAction.Pulse:
                for (var i = 0; i < command.Count && !token.IsCancellationRequested; i++)
                {
                    // Real time, as the other waits here: the feed stands for a meter, outside the gateway's clock.
                    driver.Drive(command.Pin, PinValue.Low);
                    token.WaitHandle.WaitOne(PulseWidth);
                    driver.Drive(command.Pin, PinValue.High);
                    token.WaitHandle.WaitOne(command.Period - PulseWidth);
                }

                break;
        }
    }
}

/// <summary>What one edge command does.</summary>
public enum SimulatedEdgeAction
{
    /// <summary>A pause.</summary>
    Sleep,

    /// <summary>The pin goes low.</summary>
    Low,

    /// <summary>The pin goes high.</summary>
    High,

    /// <summary>Pulses: low for <see cref="SimulatedEdgeFeed.PulseWidth"/>, then high.</summary>
    Pulse,
}

/// <summary>One parsed edge command.</summary>
/// <param name="Action">What it does.</param>
/// <param name="Pin">The BCM pin; -1 for a pause.</param>
/// <param name="Count">How many pulses.</param>
/// <param name="Period">The pulse period, or the length of a pause.</param>
public readonly record struct SimulatedEdgeCommand(SimulatedEdgeAction Action, int Pin, int Count, TimeSpan Period);
