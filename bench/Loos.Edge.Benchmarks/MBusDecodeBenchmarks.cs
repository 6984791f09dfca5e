using BenchmarkDotNet.Attributes;
using Loos.Edge.MBus;

namespace Loos.Edge.Benchmarks;

/// <summary>
/// Decoding the 76 frames of the libmbus corpus (<c>mbus/libmbus/test-frames</c>, found through <c>LOOS_EDGE_CORPUS</c>
/// or <c>../shared/corpus</c>): time and allocations per frame, for the link layer alone, for the full telegram into a
/// reused record buffer (as the poller decodes) and into a new telegram object (as the verbs do).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class MBusDecodeBenchmarks
{
    private const int CorpusFrames = 76;

    private readonly MBusRecordBuffer records = new();
    private byte[][] frames = [];

    [GlobalSetup]
    public void Setup()
    {
        frames = MBusCorpus.ReadFrames();
        if (frames.Length != CorpusFrames)
        {
            throw new InvalidOperationException($"The corpus holds {frames.Length} frames, not {CorpusFrames}.");
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

    /// <summary>Each frame decoded into the one record buffer, cleared before each, as the poller does.</summary>
    [Benchmark(OperationsPerInvoke = CorpusFrames)]
    public int DecodeIntoBuffer()
    {
        var total = 0;
        foreach (var frame in frames)
        {
            records.Clear();
            MBusDecoder.Decode(frame, records);
            total += records.Records.Length;
        }

        return total;
    }

    /// <summary>Each frame decoded into a new telegram object with its own strings.</summary>
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
}

/// <summary>The libmbus corpus (<c>mbus/libmbus/test-frames</c>), found through <c>LOOS_EDGE_CORPUS</c> or <c>../shared/corpus</c>.</summary>
internal static class MBusCorpus
{
    /// <summary>Every frame of the corpus, in file-name order.</summary>
    public static byte[][] ReadFrames() =>
        [.. Directory.EnumerateFiles(Folder(), "*.hex").Order(StringComparer.Ordinal).Select(ReadFile)];

    /// <summary>The frame of <c><paramref name="name"/>.hex</c>.</summary>
    public static byte[] ReadFrame(string name) => ReadFile(Path.Combine(Folder(), name + ".hex"));

    private static byte[] ReadFile(string path) =>
        MBusHex.TryParse(File.ReadAllText(path), out var bytes, out var problem) ? bytes : throw new InvalidDataException($"{path}: {problem}");

    private static string Folder() => Path.Combine(CorpusRoot(), "mbus", "libmbus", "test-frames");

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
