using Loos.Edge.Modules;

namespace Loos.Edge.Web.Verbs;

/// <summary>
/// <c>loos-edge web --config FILE</c>: serves the web pages until stopped; its subcommands manage the tenants' links
/// (<c>token</c>). Exit codes: 0 stopped, 1 cannot start, 2 bad arguments or site file.
/// </summary>
public static class WebCommand
{
    public static Command Create(IVerbContext context)
    {
        var command = new WebServeVerb(context).Command;
        command.Subcommands.Add(TokenCommand.Create(context));
        command.Subcommands.Add(Crew.UserCommand.Create(context));
        return command;
    }
}
