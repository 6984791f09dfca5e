namespace Loos.Edge.Verbs;

/// <summary>
/// One verb of the command line: a class whose fields are its options, whose constructor adds them to
/// <see cref="Command"/>, and whose <see cref="RunAsync"/> is what the verb does once they parse.
/// </summary>
public abstract class Verb
{
    protected Verb(string name, string description)
    {
        Command = new Command(name, description);
        Command.SetAction(RunAsync);
    }

    /// <summary>The verb's command, for its group to list.</summary>
    public Command Command { get; }

    /// <summary>Runs the verb on arguments that parsed.</summary>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    protected abstract Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken);

    protected void Add(params IEnumerable<Symbol> symbols)
    {
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument)
            {
                Command.Arguments.Add(argument);
            }
            else
            {
                Command.Options.Add((Option)symbol);
            }
        }
    }
}
