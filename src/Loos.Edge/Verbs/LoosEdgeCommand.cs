using System.CommandLine;

namespace Loos.Edge.Verbs;

/// <summary>The <c>loos-edge</c> command line: every verb, and one rule for bad arguments (exit code 2).</summary>
public static class LoosEdgeCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the verb they name.</summary>
    /// <returns>The verb's exit code; <see cref="ExitCodes.BadArguments"/> when the arguments do not parse.</returns>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        // No termination timeout: `run` stops through the host's lifetime, which waits for the buffer to flush.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = null };
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = CommandPath(parse.CommandResult.Command);
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync($"{command}: {error.Message}").ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync($"See: {command} --help").ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }

        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }

    private static RootCommand Create() => new("Loos Edge: the telemetry edge gateway of a town in ecological transition.")
    {
        RunVerb.Create(),
        ConfigVerb.Create(),
        BufferVerb.Create(),
        ModbusVerb.Create(),
        SunSpecVerb.Create(),
        MBusVerb.Create(),
        MqttVerb.Create(),
        GpioVerb.Create(),
        HeatingVerb.Create(),
    };

    /// <summary>"loos-edge modbus read" for the read verb, to point at its help.</summary>
    private static string CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(current is RootCommand ? "loos-edge" : current.Name);
        }

        return string.Join(' ', names);
    }
}
