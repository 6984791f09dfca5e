using BenchmarkDotNet.Attributes;
using Loos.Edge.MBus;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Decoding the 76 frames of the libmbus corpus (<c>mbus/libmbus/test-frames</c>, found through <c>LOOS_EDGE_CORPUS</c>
/// or <c>../shared/corpus</c>): time and allocations per frame, for the link layer alone and for the full telegram.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class MBusDecodeBenchmarks
{
    private const int CorpusFrames = 76;

    private byte[][] frames = [];

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(CorpusRoot(), "mbus", "libmbus", "test-frames");
        frames = [.. Directory.EnumerateFiles(folder, "*.hex").Order(StringComparer.Ordinal).Select(path =>
            MBusHex.TryParse(File.ReadAllText(path), out var bytes, out var problem) ? bytes : throw new InvalidDataException($"{path}: {problem}"))];
        if (frames.Length != CorpusFrames)
        {
            throw new InvalidOperationException($"{folder} holds {frames.Length} frames, not {CorpusFrames}.");
        }
    }

    [Benchmark(OperationsPerInvoke = CorpusFrames)]
    public int ParseFrame()
    {
        var total = 0;
        foreach (var frame in frames)
        {
            total += MBusFrame.Parse(frame).DataLength;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = CorpusFrames)]
    public int DecodeTelegram()
    {
        var total = 0;
        foreach (var frame in frames)
        {
            total += MBusDecoder.Decode(frame).Records.Count;
        }

        return total;
    }

    private static string CorpusRoot()
    {
        if (Environment.GetEnvironmentVariable("LOOS_EDGE_CORPUS") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Loos.Edge.sln")))
            {
                return Path.Combine(directory.FullName, "..", "shared", "corpus");
            }
        }

        throw new InvalidOperationException("No corpus: set LOOS_EDGE_CORPUS or run from inside the repository.");
    }
}
