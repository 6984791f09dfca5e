namespace Loos.Edge.Verbs.SunSpec;

/// <summary>
/// <c>loos-edge sunspec read</c>: finds the SunSpec map of a device and prints every model and point. Exit codes: 0
/// read, 1 device failure (the cause on one line), 2 bad arguments.
/// </summary>
public static class SunSpecCommand
{
    /// <summary>The <c>sunspec</c> command with its <c>read</c> subcommand.</summary>
    public static Command Create() => new("sunspec", "SunSpec devices (photovoltaic inverters, DER): discovery and decoding.") { new SunSpecReadVerb().Command };
}
