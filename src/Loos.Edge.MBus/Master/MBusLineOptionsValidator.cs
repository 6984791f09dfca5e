using Loos.Edge.Core;

namespace Loos.Edge.MBus.Master;

/// <summary>Checks <see cref="MBusLineOptions"/>, each problem with its key.</summary>
public static class MBusLineOptionsValidator
{
    /// <summary>Every problem of <paramref name="options"/>; empty when valid.</summary>
    public static ConfigurationProblems Check(MBusLineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        if (string.IsNullOrWhiteSpace(options.DevicePath))
        {
            problems.Add("port", ": the serial device of the M-Bus level converter is required (e.g. /dev/ttyUSB0)");
        }

        if (options.BaudRate is not (300 or 600 or 1200 or 2400 or 4800 or 9600 or 19200 or 38400))
        {
            problems.Add("baud", $": {options.BaudRate} is not an M-Bus rate (300, 600, 1200, 2400, 4800, 9600, 19200, 38400)");
        }

        if (options.Retries is < 0 or > 10)
        {
            problems.Add("retries", $": {options.Retries} is outside 0..10");
        }

        if (options.MaxTelegrams is < 1 or > 255)
        {
            problems.Add("maxTelegrams", $": {options.MaxTelegrams} is outside 1..255");
        }

        if (options.ResponseTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromSeconds(30)))
        {
            problems.Add("responseTimeout", $": {timeout} is outside (0, 30 s]");
        }

        if (options.InterCharacterTimeout is { } gap && (gap <= TimeSpan.Zero || gap > TimeSpan.FromSeconds(5)))
        {
            problems.Add("interCharacterTimeout", $": {gap} is outside (0, 5 s]");
        }

        return problems;
    }
}
