using System.CommandLine;
using Loos.Edge.Verbs;

namespace Loos.Edge.Tests;

/// <summary><c>loos-edge buffer status</c> run in-process, output captured.</summary>
public sealed class BufferStatusVerbTests
{
    [Theory]
    [InlineData("loos-edge buffer status: --cap-bytes lots is not a number of bytes", "--cap-bytes", "lots")]
    [InlineData("loos-edge buffer status: --cap-bytes 0 is not a number of bytes", "--cap-bytes", "0")]
    public async Task Status_BadTypedValue_ExitCode2NamingTheOption(string message, params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await LoosEdgeCommand.InvokeAsync(["buffer", "status", "--data", Path.GetTempPath(), .. arguments], new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output.ToString());
        Assert.Equal([message, "See: loos-edge buffer status --help"], error.ToString().TrimEnd().Split(Environment.NewLine));
    }
}
