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

            Assert.True(result.Device is not null, $"{Path.GetFileName(path)}: {result.Error}");
            var endModelPresent = Corpus.EndModelPresent(path);
            Assert.True(
                result.IsSuccess == endModelPresent,
                $"{Path.GetFileName(path)}: the chain was read to its end: {result.IsSuccess} ({result.Error}); the dump has the end model: {endModelPresent}");
            using var json = JsonDocument.Parse(SunSpecJson.Serialize(result.Device));
            var comparison = ExpectedValues.Compare(expected, json.RootElement, chainEnded: result.IsSuccess);
            output.WriteLine(comparison.Summary(Path.GetFileName(path)));
            comparison.Documented.ForEach(line => output.WriteLine("  documented: " + line));
            failures.AddRange(comparison.Mismatches.Select(line => $"{Path.GetFileName(path)}: {line}"));
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
