using System.IO.Ports;

namespace Loos.Edge.Verbs;

/// <summary>The options of a serial line, shared by the Modbus RTU and M-Bus verbs: baud rate, parity, stop bits and response timeout.</summary>
public static class SerialLineOptions
{
    /// <summary>The baud rate, 300 to 1 000 000 (a protocol may accept fewer rates).</summary>
    public static Option<int> Baud(int defaultRate, params string[] aliases)
    {
        var option = TypedOptions.Number("--baud", 300, 1_000_000, aliases: aliases);
        option.Description = string.Create(CultureInfo.InvariantCulture, $"Baud rate of the serial line (default {defaultRate}).");
        option.DefaultValueFactory = _ => defaultRate;
        return option;
    }

    /// <summary>The parity, N, E or O as a technician types it (none, even, odd in any case too); E by default, as both Modbus and M-Bus lines run.</summary>
    public static Option<Parity> Parity(string description)
    {
        var option = TypedOptions.Parsed("--parity", (string text, out Parity parity) => ParseParity("--parity", text, out parity));
        option.Description = description;
        option.DefaultValueFactory = _ => System.IO.Ports.Parity.Even;
        return option;
    }

    /// <summary>The stop bits, 1 (the default) or 2.</summary>
    public static Option<StopBits> StopBits()
    {
        var option = TypedOptions.Parsed("--stop", (string text, out StopBits stopBits) =>
        {
            stopBits = text switch { "1" => System.IO.Ports.StopBits.One, "2" => System.IO.Ports.StopBits.Two, _ => System.IO.Ports.StopBits.None };
            return stopBits == System.IO.Ports.StopBits.None ? $"--stop {text} is not 1 or 2" : null;
        });
        option.Description = "Stop bits, 1 or 2 (default 1).";
        option.DefaultValueFactory = _ => System.IO.Ports.StopBits.One;
        return option;
    }

    /// <summary>A response timeout given in milliseconds, 1 to 600 000; no value when absent, for the verb's own default.</summary>
    public static Option<TimeSpan?> ResponseTimeout(string name, string description)
    {
        var option = TypedOptions.Parsed(name, (string text, out TimeSpan? timeout) =>
        {
            var problem = TypedOptions.ParseNumber(name, text, 1, 600_000, "a number of milliseconds from 1 to 600000", out var milliseconds);
            timeout = TimeSpan.FromMilliseconds(milliseconds);
            return problem;
        });
        option.Description = description;
        return option;
    }

    /// <summary>Reads N, E or O (none, even, odd, in any case); the problem names <paramref name="name"/>.</summary>
    public static string? ParseParity(string name, string text, out Parity parity)
    {
        parity = text.ToUpperInvariant() switch
        {
            "N" or "NONE" => System.IO.Ports.Parity.None,
            "E" or "EVEN" => System.IO.Ports.Parity.Even,
            "O" or "ODD" => System.IO.Ports.Parity.Odd,
            _ => System.IO.Ports.Parity.Mark,
        };
        return parity == System.IO.Ports.Parity.Mark ? $"{name}: '{text}' is not N, E or O" : null;
    }
}
