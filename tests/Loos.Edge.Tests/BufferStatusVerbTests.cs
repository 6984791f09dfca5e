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

    [Fact]
    public async Task Status_SiteFile_ShowsTheSitesFolderAndCap()
    {
        var folder = Directory.CreateTempSubdirectory("loos-edge-status-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "buffer"));
        var site = Path.Combine(folder, "site.yaml");
        await File.WriteAllTextAsync(site, """
            buffer:
              directory: buffer
              capBytes: 123456789
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await LoosEdgeCommand.InvokeAsync(["buffer", "status", "--config", site], new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exitCode == ExitCodes.Success, error.ToString());
        Assert.Contains("cap 123,456,789", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NeitherSiteFileNorFolder_ExitCode2SayingWhatToGive()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await LoosEdgeCommand.InvokeAsync(["buffer", "status"], new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.StartsWith("loos-edge buffer status: give --config FILE (the site file) or --data DIR (the buffer directory)", error.ToString(), StringComparison.Ordinal);
    }
}
