using System.IO.Ports;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.Verbs.MBus;

/// <summary>The options of the M-Bus line shared by <c>read</c> and <c>scan</c>: the port, its serial settings, timeout and retries.</summary>
internal sealed class MBusLineArguments
{
    private readonly Option<string> port = new("--port", "-p") { Description = "The serial device of the M-Bus level converter, e.g. /dev/ttyUSB0.", Required = true };
    private readonly Option<int> baud = SerialLineOptions.Baud(2400, "-b");
    private readonly Option<Parity> parity = SerialLineOptions.Parity("N, E or O (default E: M-Bus is 8E1).");
    private readonly Option<TimeSpan?> timeout = SerialLineOptions.ResponseTimeout("--timeout-ms", "Response timeout in ms (default: EN 13757-2, 330 bit times + 50 ms).");
    private readonly Option<int> retries = new("--retries") { Description = "Repeats of an unanswered request (default 2).", DefaultValueFactory = _ => 2 };
    private readonly Option<int> maxTelegrams = new("--max-telegrams") { Description = "Most telegrams read from one meter (default 16).", DefaultValueFactory = _ => 16 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { port, baud, parity, timeout, retries, maxTelegrams })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The line the options describe, or its problems (an M-Bus rate, the retries' range…) named by option.</summary>
    public MBusLineOptions Read(ParseResult parse, out List<string> problems)
    {
        var options = new MBusLineOptions
        {
            DevicePath = parse.GetRequiredValue(port),
            BaudRate = parse.GetValue(baud),
            Parity = parse.GetValue(parity),
            Retries = parse.GetValue(retries),
            MaxTelegrams = parse.GetValue(maxTelegrams),
            ResponseTimeout = parse.GetValue(timeout),
        };
        // The master's keys are its options; the command line spells two of them differently.
        problems = [.. MBusLineOptionsValidator.Check(options).Entries.Select(problem => "--" + problem.Key switch
        {
            "responseTimeout" => "timeout" + problem.Text[problem.Key.Length..],
            "maxTelegrams" => "max-telegrams" + problem.Text[problem.Key.Length..],
            _ => problem.Text,
        })];
        return options;
    }
}
