namespace Loos.Edge.Verbs.Gpio;

/// <summary>
/// <c>loos-edge gpio watch</c>: the pulses of an S0 meter output. Exit codes: 0 when stopped (Ctrl+C, or after
/// <c>--seconds</c>), 1 when the pin cannot be opened (the cause on standard error), 2 bad arguments.
/// </summary>
public static class GpioCommand
{
    /// <summary>The <c>gpio</c> command with its <c>watch</c> subcommand.</summary>
    public static Command Create() => new("gpio", "GPIO tools: watch the pulses of an S0 meter output.") { new GpioWatchVerb().Command };
}
