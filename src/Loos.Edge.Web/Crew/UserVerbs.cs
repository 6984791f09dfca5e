using Loos.Edge.Modules;

namespace Loos.Edge.Web.Crew;

/// <summary><c>loos-edge web user add|remove</c>: the crew's logins in <c>web:usersFile</c>.</summary>
internal static class UserCommand
{
    public static Command Create(IVerbContext context) => new("user", "The lighting crew's logins (web:usersFile; only password hashes are kept).")
    {
        new UserAddVerb(context).Command,
        new UserRemoveVerb(context).Command,
    };
}

/// <summary>What both user verbs share: the site file, the user's name, and the users file the site names.</summary>
internal abstract class UserVerb : Verb
{
    private readonly Option<string> config = CommonOptions.Config();
    private readonly Option<string> name = new("--name") { Description = "The user's name (letters, digits, '.', '-', '_').", Required = true };
    private readonly IVerbContext context;

    protected UserVerb(IVerbContext context, string verb, string description)
        : base(verb, description)
    {
        this.context = context;
        Add(config, name);
    }

    protected sealed override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var path = parse.GetValue(config)!;
        if (await context.LoadSiteAsync(path, error).ConfigureAwait(false) is not { } site)
        {
            return ExitCodes.InvalidSiteFile;
        }

        if (site.Options<WebOptions>().UsersFile is not { Length: > 0 } usersFile)
        {
            await error.WriteLineAsync($"{path}: {WebOptions.SectionName}:usersFile is not set: the crew's users have no file").ConfigureAwait(false);
            return ExitCodes.InvalidSiteFile;
        }

        var user = parse.GetValue(name)!;
        if (!CrewUsers.IsValidName(user))
        {
            return await BadArguments.ReportAsync(parse, $"--name '{user}': 1 to 64 letters, digits, '.', '-' or '_'").ConfigureAwait(false);
        }

        try
        {
            return await RunAsync(parse, new CrewUsers(site.ResolvePath(usersFile)!), user, usersFile).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{usersFile}: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    protected abstract Task<int> RunAsync(ParseResult parse, CrewUsers users, string user, string usersFile);
}

/// <summary><c>web user add --name N</c>: the password is read from standard input (one line), never from an argument.</summary>
internal sealed class UserAddVerb(IVerbContext context)
    : UserVerb(context, "add", "Add a crew user, or set a new password for one; the password is read from standard input.")
{
    protected override async Task<int> RunAsync(ParseResult parse, CrewUsers users, string user, string usersFile)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (!Console.IsInputRedirected)
        {
            await output.WriteAsync($"Password for {user}: ").ConfigureAwait(false);
        }

        var password = await Console.In.ReadLineAsync().ConfigureAwait(false);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("no password on standard input").ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }

        try
        {
            var existed = users.Add(user, password);
            await output.WriteLineAsync(existed ? $"{user}: new password set in {usersFile}" : $"{user}: added to {usersFile}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ArgumentException exception)
        {
            await error.WriteLineAsync(exception.Message.Split(" (Parameter", 2)[0]).ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }
    }
}

/// <summary><c>web user remove --name N</c>: the user can no longer log in (a session already open ends at its next request).</summary>
internal sealed class UserRemoveVerb(IVerbContext context)
    : UserVerb(context, "remove", "Remove a crew user.")
{
    protected override async Task<int> RunAsync(ParseResult parse, CrewUsers users, string user, string usersFile)
    {
        if (!users.Remove(user))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{user}: no such user in {usersFile}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync($"{user}: removed from {usersFile}").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
