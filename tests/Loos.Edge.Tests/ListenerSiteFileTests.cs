using Loos.Edge.Http;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Tests;

public sealed class ListenerSiteFileTests : SiteFileTest
{
    [Fact]
    public void Load_ListenerBeyondLoopbackWithoutTokenFile_IsAnErrorNamingTheKeyAndLine()
    {
        var path = Write("""
            buffer:
              directory: buffer
            listener:
              address: 0.0.0.0:8186
            """);

        var problems = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems;

        var problem = Assert.Single(problems);
        Assert.Contains(":4: listener:address '0.0.0.0:8186' is beyond loopback", problem, StringComparison.Ordinal);
        Assert.Contains("listener:tokenFile", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListenerBeyondLoopbackWithATokenFileBesideTheSiteFile_IsValid()
    {
        File.WriteAllText(Path.Combine(Folder, "listener.token"), "s3cret\n");
        var path = Write("""
            buffer:
              directory: buffer
            listener:
              address: 0.0.0.0:8186
              tokenFile: listener.token
            """);

        Assert.Equal(Path.Combine(Folder, "listener.token"), SiteConfiguration.Load(path).Options<ListenerOptions>().TokenFile);
    }
}
