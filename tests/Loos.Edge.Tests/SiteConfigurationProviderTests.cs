using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.Testing;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Tests;

/// <summary>The site file's indexed configuration answers every section's children as the framework's in-memory configuration does.</summary>
public sealed class SiteConfigurationProviderTests
{
    public static TheoryData<string> ShippedSiteFiles() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "firmware-config"), "site*.yaml").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ShippedSiteFiles))]
    public void GetChildren_EverySectionOfAShippedSiteFile_SameKeysValuesAndOrderAsTheInMemoryConfiguration(string fileName)
    {
        var site = SiteFile.Load(Path.Combine(RepositoryPaths.Root, "firmware-config", fileName));
        var values = site.Configuration.AsEnumerable().ToList();
        var framework = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var expected = Walk(framework);
        var actual = Walk(site.Configuration);

        Assert.True(expected.Count > 10, $"{fileName} has only {expected.Count} keys");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void GetChildren_KeysDifferingInCase_OneChildAsTheFrameworkGives()
    {
        KeyValuePair<string, string?>[] values = [new("Modbus:Buses:0:Name", "a"), new("modbus:buses:0:host", "b"), new("modbus:buses:10:name", "c"), new("modbus:buses:2:name", "d")];
        var framework = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var site = new ConfigurationBuilder().Add(new SiteConfigurationSource(values)).Build();

        Assert.Equal(Walk(framework), Walk(site));
        Assert.Equal(["0", "2", "10"], site.GetSection("modbus:buses").GetChildren().Select(child => child.Key));
    }

    /// <summary>Every section reached from the root through GetChildren, in the order given, with its value.</summary>
    private static List<string> Walk(IConfiguration configuration)
    {
        var seen = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            Visit(child);
        }

        return seen;

        void Visit(IConfigurationSection section)
        {
            seen.Add($"{section.Path}={section.Value}");
            foreach (var child in section.GetChildren())
            {
                Visit(child);
            }
        }
    }
}
