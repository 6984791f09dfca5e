using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Buffer;

/// <summary><c>loos-edge buffer status</c>: what a buffer holds, read from disk. Exit codes: 0 shown, 1 the directory cannot be read.</summary>
public static class BufferCommand
{
    /// <summary>The <c>buffer</c> command with its <c>status</c> subcommand.</summary>
    public static Command Create(IVerbContext context) => new("buffer", "Durable buffer tools.") { new BufferStatusVerb(context).Command };
}
