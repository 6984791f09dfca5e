using System.CommandLine;
using Loos.Edge.Testing;
using Loos.Edge.Verbs;

namespace Loos.Edge.Gpio.Tests.Sensors;

public sealed class SensorSiteFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-sensors-").FullName;

    [Fact]
    public async Task ConfigValidate_ReadmeExample_IsValid()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "Loos.Edge.Gpio", "Sensors", "README.md"));
        var start = readme.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Contains("address: 0x76", example, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, await ValidateAsync(example));
    }

    [Fact]
    public async Task ConfigValidate_DecimalAddressAndOffsets_IsValid()
    {
        Assert.Equal(ExitCodes.Success, await ValidateAsync("""
            gpio:
              sensors:
                - name: cellar
                  type: sht3x
                  address: 69
                  offset:
                    temperature: 0.25
                    humidity: -1.5
            """));
    }

    [Fact]
    public async Task ConfigValidate_WrongAddress_Fails()
    {
        Assert.NotEqual(ExitCodes.Success, await ValidateAsync("""
            gpio:
              sensors:
                - name: flat-12
                  type: bme280
                  address: 0x40
            """));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private async Task<int> ValidateAsync(string gpioSection)
    {
        var path = Path.Combine(directory, "site.yaml");
        await File.WriteAllTextAsync(path, $"buffer:\n  directory: {Path.Combine(directory, "buffer")}\n{gpioSection}");
        using var output = new StringWriter();
        using var error = new StringWriter();
        return await LoosEdgeCommand.InvokeAsync(["config", "validate", "--config", path], new InvocationConfiguration { Output = output, Error = error });
    }
}
