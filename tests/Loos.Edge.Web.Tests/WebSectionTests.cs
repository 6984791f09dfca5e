using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;

namespace Loos.Edge.Web.Tests;

/// <summary>The web section as the loader reads it: the commented example loads, and bad values are told with their line.</summary>
public sealed class WebSectionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-web-section-").FullName;

    [Fact]
    public void Example_Loads_WithTheValuesItDescribes()
    {
        var site = SiteConfiguration.Load(Path.Combine(RepositoryPaths.Root, "firmware-config", "site.web-example.yaml"));

        var web = site.Options<WebOptions>();
        Assert.Equal("127.0.0.1:8190", web.Address);
        Assert.Equal("https://chauffage.example.fr", web.PublicUrl);
        Assert.Equal("town", web.Influx!.Database);
        Assert.Equal("/var/lib/loos-edge/buffer/web-tokens.dat", web.TokensFile);
        Assert.Equal(TimeSpan.FromHours(12), web.MaxOverrideDuration);
        Assert.False(web.UsesHttps);
    }

    [Theory]
    [InlineData("web:\n  address: everywhere\n", 4, "web:address")]
    [InlineData("web:\n  certificateFile: web.crt\n", 4, "web:certificateFile")]
    [InlineData("web:\n  publicUrl: chauffage.example.fr\n", 4, "web:publicUrl")]
    [InlineData("web:\n  influx:\n    url: ftp://influx\n    database: town\n", 5, "web:influx:url")]
    [InlineData("web:\n  maxOverrideDuration: -01:00:00\n", 4, "web:maxOverrideDuration")]
    public void InvalidValue_IsToldWithItsLineAndKey(string yaml, int line, string key)
    {
        var path = Path.Combine(folder, "site.yaml");
        File.WriteAllText(path, "buffer:\n  directory: buffer\n" + yaml);

        var problem = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.Contains($"{path}:{line}: {key}", problem.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
