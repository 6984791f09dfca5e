namespace Loos.Edge.Verbs;

/// <summary>
/// The one way a verb refuses its arguments, whether System.CommandLine or the verb finds the problem: each problem as
/// "loos-edge modbus read: …" on standard error, then where the help is, and exit code 2.
/// </summary>
public static class BadArguments
{
    /// <summary>Reports <paramref name="problems"/> of the command that <paramref name="parse"/> chose.</summary>
    /// <returns><see cref="ExitCodes.BadArguments"/>.</returns>
    public static Task<int> ReportAsync(ParseResult parse, params IEnumerable<string> problems) =>
        ReportAsync(parse.InvocationConfiguration.Error, parse.CommandResult.Command, problems);

    /// <inheritdoc cref="ReportAsync(ParseResult, IEnumerable{string})"/>
    public static async Task<int> ReportAsync(TextWriter error, Command command, IEnumerable<string> problems)
    {
        var path = CommandPath(command);
        foreach (var problem in problems)
        {
            await error.WriteLineAsync($"{path}: {problem}").ConfigureAwait(false);
        }

        await error.WriteLineAsync($"See: {path} --help").ConfigureAwait(false);
        return ExitCodes.BadArguments;
    }

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
