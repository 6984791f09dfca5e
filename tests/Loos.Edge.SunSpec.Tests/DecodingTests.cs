using System.Text.Json;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.SunSpec.Tests;

public sealed class DecodingTests(ITestOutputHelper output)
{
    [CorpusFact(Corpus.DevicesFolder)]
    public async Task ReadAsync_CorpusDumpsInMemory_DecodeEveryExpectedPoint()
    {
        var failures = new List<string>();
        foreach (var path in Corpus.DeviceDumps)
        {
            var (firstAddress, registers, expected) = Corpus.LoadDump(path);
            await using var client = new RegisterImageClient(firstAddress, registers);

            var result = await SunSpecReader.ReadAsync(client, 1);

            Assert.True(result.IsSuccess, result.Error);
            using var json = JsonDocument.Parse(SunSpecJson.Serialize(result.Device!));
            var comparison = ExpectedValues.Compare(expected, json.RootElement, chainEnded: true);
            output.WriteLine(comparison.Summary(Path.GetFileName(path)));
            comparison.Documented.ForEach(line => output.WriteLine("  documented: " + line));
            failures.AddRange(comparison.Mismatches.Select(line => $"{Path.GetFileName(path)}: {line}"));
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
