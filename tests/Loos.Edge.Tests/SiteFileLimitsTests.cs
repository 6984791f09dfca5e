using System.Diagnostics;
using System.Text;
using Loos.Edge.Buffer;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Tests;

/// <summary>Hostile or broken site files: each ends in exit 2 with file:line and what is wrong, never a crash or a hang.</summary>
public sealed class SiteFileLimitsTests : SiteFileTest
{
    [Fact]
    public async Task ConfigValidate_BillionLaughs_ExitsTwoNamingTheFirstAliasLine()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level <= 9; level++)
        {
            var previous = $"*a{level - 1}";
            yaml.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }

        var path = Write(yaml.ToString());

        var (exitCode, error) = await RunConfigValidateAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}:2: a1:0: aliases (*a0) are not supported", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_FortyKilobytesOfNestedFlowCollections_ExitsTwoInsteadOfOverflowingTheStack()
    {
        var path = Write("buffer:\n  directory: " + new string('[', 40_000) + new string(']', 40_000) + "\n");

        var (exitCode, error) = await RunConfigValidateAsync(path);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"{path}:2: buffer:directory:0:0:", error, StringComparison.Ordinal);
        Assert.Contains($"nested deeper than {SiteFile.MaximumDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingOneLevelTooDeep_FailsAtThatLevelBeforeAnyRecursion()
    {
        // Block mappings, one level per line: the mapping one level too deep starts at the line of "leaf".
        var yaml = new StringBuilder();
        for (var level = 0; level <= SiteFile.MaximumDepth; level++)
        {
            yaml.Append(' ', level).Append($"k{level}:\n");
        }

        yaml.Append(' ', SiteFile.MaximumDepth + 1).Append("leaf: 1\n");

        var exception = Assert.Throws<SiteFileException>(() => SiteFile.Parse("site.yaml", yaml.ToString()));

        Assert.StartsWith($"site.yaml:{SiteFile.MaximumDepth + 2}: k0:k1:", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"nested deeper than {SiteFile.MaximumDepth} levels", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingAtTheLimit_Loads()
    {
        var yaml = new StringBuilder();
        for (var level = 0; level < SiteFile.MaximumDepth; level++)
        {
            yaml.Append(' ', level).Append($"k{level}:\n");
        }

        yaml.Append(' ', SiteFile.MaximumDepth).Append("leaf: 1\n");

        var file = SiteFile.Parse("site.yaml", yaml.ToString());

        Assert.Equal("1", file.Configuration[string.Join(':', Enumerable.Range(0, SiteFile.MaximumDepth).Select(i => $"k{i}")) + ":leaf"]);
    }

    [Fact]
    public void Load_MappingKeyThatIsAList_NamesItsLineInsteadOfThrowingInvalidCast()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
              ? [a, b]
              : 1
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:3: buffer: a key must be a single value, not a list", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TenMegabytesOfUnknownKeys_RefusedForItsSizeBeforeReading()
    {
        var path = Path.Combine(Folder, "site.yaml");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("buffer:\n  directory: /tmp/x\n");
            for (var key = 0; writer.BaseStream.Position < 10 * 1024 * 1024; key++)
            {
                writer.Write($"unknown{key}: value\n");
                writer.Flush();
            }
        }

        var exception = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.StartsWith($"{path}: the site file is larger than {SiteFile.MaximumBytes} bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileAtTheSizeLimit_IsRead()
    {
        var path = Path.Combine(Folder, "site.yaml");
        var text = new StringBuilder("buffer:\n  directory: /tmp/x\n");
        while (text.Length < SiteFile.MaximumBytes - 100)
        {
            text.Append("# a comment line that fills the file up to its limit\n");
        }

        text.Append('#', SiteFile.MaximumBytes - Encoding.UTF8.GetByteCount(text.ToString()) - 1).Append('\n');
        File.WriteAllText(path, text.ToString());
        Assert.Equal(SiteFile.MaximumBytes, new FileInfo(path).Length);

        var site = SiteConfiguration.Load(path);

        Assert.Equal("/tmp/x", site.Options<BufferOptions>().Directory);
    }

    [Fact]
    public void Load_UnclosedFlowMappingInABlockMapping_IsAYamlErrorWithItsLine()
    {
        // Found by the fuzz run: YamlDotNet's scanner throws InvalidOperationException here, not a YamlException.
        var path = Write("""
            buffer:
              directory: /tmp/x
              {a: c
              capBytes: 1
            """);

        var exception = Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path));

        Assert.StartsWith($"{path}:4:3: not valid YAML", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModbusDeviceTagWithoutValue_NamesTheTagInsteadOfThrowing()
    {
        // Found by the fuzz run: a file cut after "circuit:" ended in an ArgumentException from the series key.
        var path = Write("""
            buffer:
              directory: /tmp/x
            modbus:
              buses:
                - name: meters
                  kind: tcp
                  host: 127.0.0.1
                  devices:
                    - name: main-meter
                      tags:
                        circuit:
                      points:
                        - name: power
                          address: 12
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.StartsWith($"{path}:11: modbus:buses:0:devices:0:tags:circuit must have a non-empty name and value", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateKey_NamesBothLines()
    {
        var path = Write("""
            buffer:
              directory: /tmp/x
              Directory: /tmp/y
            """);

        var problem = Assert.Single(Assert.Throws<SiteFileException>(() => SiteConfiguration.Load(path)).Problems);

        Assert.Equal($"{path}:3: buffer:Directory: duplicate key (first on line 2).", problem);
    }

    /// <summary>Runs <c>loos-edge config validate</c> in its own process, so that a crash or a hang cannot take the test run with it.</summary>
    private static async Task<(int ExitCode, string Error)> RunConfigValidateAsync(string path)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "loos-edge.dll"), "config", "validate", "--config", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            // A hang detector, not a speed assertion: a valid answer takes well under a second.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"config validate still ran after 60 s on {path}");
        }

        await output;
        return (process.ExitCode, await error);
    }
}
