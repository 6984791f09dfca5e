using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Tests;

/// <summary>
/// Mutations of the shipped site files, read and validated as <c>config validate</c> does: each loads or is refused with
/// <see cref="SiteFileException"/> whose every line starts with the file (and its line where the file names the key).
/// LOOS_EDGE_FUZZ_INPUTS sets how many inputs a run reads (default 10,000; 1,000,000 for a full run) and
/// LOOS_EDGE_FUZZ_SEED the random seed.
/// </summary>
public sealed partial class SiteFileFuzzTests(ITestOutputHelper output)
{
    private const int DefaultInputs = 10_000;

    /// <summary>A hang detector, not a speed assertion: the largest input takes milliseconds.</summary>
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);

    private static readonly string[] Specials =
    [
        "&a ", "*a", "*a\n", "!x ", "!!str ", "!!binary ", "? ", "| ", "|-\n", "> ", "{", "}", "[", "]", "[]", "{}", "%YAML 1.2\n", "%TAG ! tag:x:\n",
        "---\n", "...\n", ": ", "- ", "-", ",", "\"", "'", "#", "\t", "\0", "~", "<<: *a\n", "\\", "\\0", "\"\\0\"", "\"\\x01\"", "\r", "\r\n",
        "\u00e9", "\ufeff", "\u0085", "\u2028", "null", "0x10", "-1", "1e400", "99999999999999999999", "00:00:00", "-00:00:01", "10675199.02:48:05.4775808",
    ];

    [Fact]
    public async Task Load_MutatedShippedSiteFiles_LoadOrFailWithTheDocumentedErrorNamingTheFile()
    {
        var inputs = int.TryParse(Environment.GetEnvironmentVariable("LOOS_EDGE_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var configured) ? configured : DefaultInputs;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LOOS_EDGE_FUZZ_SEED"), CultureInfo.InvariantCulture, out var configuredSeed) ? configuredSeed : 10;
        // The example names its InfluxDB token file where a Pi keeps it; here one with a token stands in for it.
        var tokenFile = Path.Combine(Directory.CreateTempSubdirectory("loos-edge-fuzz-").FullName, "influx-token");
        File.WriteAllText(tokenFile, "token\n");
        var seeds = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "firmware-config"), "site*.yaml").Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Bytes: Encoding.UTF8.GetBytes(File.ReadAllText(path).Replace("/etc/loos-edge/influx-token", tokenFile, StringComparison.Ordinal)))).ToArray();
        Assert.True(seeds.Length >= 5, "the shipped site files are missing");
        foreach (var (path, bytes) in seeds)
        {
            // Every seed is valid: what the mutations break is theirs.
            SiteConfiguration.Load(SiteFile.Parse(path, bytes));
        }

        var progress = new Progress();
        var stopwatch = Stopwatch.StartNew();
        var run = Task.Factory.StartNew(() => Run(seeds, inputs, new Random(seed), progress), TaskCreationOptions.LongRunning);
        var lastCount = -1L;
        var lastChange = stopwatch.Elapsed;
        while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1))) != run)
        {
            var count = Interlocked.Read(ref progress.Count);
            if (count != lastCount)
            {
                (lastCount, lastChange) = (count, stopwatch.Elapsed);
            }
            else if (stopwatch.Elapsed - lastChange > StuckAfter)
            {
                Assert.Fail($"input {count} (seed {seed}) still reads after {StuckAfter.TotalSeconds} s; it is in {Keep(progress.Current!, "stuck")}");
            }
        }

        var (loaded, refused) = await run;
        output.WriteLine($"{inputs} inputs (seed {seed}) in {stopwatch.Elapsed.TotalSeconds:F1} s: {loaded} loaded, {refused} refused, {inputs / stopwatch.Elapsed.TotalSeconds:F0} inputs/s");
        Assert.Equal(inputs, loaded + refused);
        Assert.True(loaded > inputs / 100, $"only {loaded} inputs loaded: the mutations break everything");
        Assert.True(refused > inputs / 10, $"only {refused} inputs refused: the mutations do not reach the checks");
    }

    private static (long Loaded, long Refused) Run((string Path, byte[] Bytes)[] seeds, int inputs, Random random, Progress progress)
    {
        long loaded = 0, refused = 0;
        for (var input = 0; input < inputs; input++)
        {
            var (path, bytes) = seeds[random.Next(seeds.Length)];
            var mutated = Mutate(bytes, seeds, random);
            progress.Current = mutated;
            try
            {
                SiteConfiguration.Load(SiteFile.Parse(path, mutated));
                loaded++;
            }
            catch (SiteFileException exception)
            {
                var lines = exception.Problems.Count > 0 ? exception.Problems : [exception.Message];
                foreach (var line in lines)
                {
                    if (!line.StartsWith(path + ":", StringComparison.Ordinal) || exception.Problems.Count == 0 && !LinePattern().IsMatch(line[(path.Length + 1)..]))
                    {
                        Assert.Fail($"input {input}: \"{line}\" does not start with {path}:line; the input is in {Keep(mutated, "unplaced")}");
                    }
                }

                refused++;
            }
            catch (Exception exception)
            {
                Assert.Fail($"input {input}: {exception.GetType().Name} escaped: {exception}\nthe input is in {Keep(mutated, "escaped")}");
            }

            Interlocked.Increment(ref progress.Count);
        }

        return (loaded, refused);
    }

    /// <summary>One to four mutations of a seed, in bytes: bits, bytes, lines, indentation, truncation, splicing, YAML's own symbols.</summary>
    private static byte[] Mutate(byte[] seed, (string Path, byte[] Bytes)[] seeds, Random random)
    {
        var bytes = new List<byte>(seed);
        for (var mutations = random.Next(1, 5); mutations > 0; mutations--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(13))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2 when at < bytes.Count:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at));
                    break;
                case 3 when at < bytes.Count:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 64), bytes.Count - at)));
                    break;
                case 4 or 5:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Specials[random.Next(Specials.Length)]));
                    break;
                case 6:
                    EditLines(bytes, random, line => [], random.Next(1, 4));
                    break;
                case 7:
                    EditLines(bytes, random, line => [line, line], 1);
                    break;
                case 8:
                    EditLines(bytes, random, line => [random.Next(2) == 0 ? "  " + line : line[Math.Min(line.Length - line.TrimStart(' ').Length, random.Next(1, 5))..]], random.Next(1, 4));
                    break;
                case 9:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 10:
                    var other = seeds[random.Next(seeds.Length)].Bytes;
                    var from = random.Next(other.Length);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(other.AsSpan(from).ToArray());
                    break;
                case 11:
                    // Amplifiers: deep nesting, many keys or items at one place.
                    var repeated = random.Next(4) switch { 0 => "[", 1 => "{a: ", 2 => "- ", _ => "k: " };
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(repeated, random.Next(1, 100)))));
                    break;
                default:
                    EditLines(bytes, random, line => [new string(' ', random.Next(0, 12)) + line.TrimStart(' ')], 1);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Replaces <paramref name="count"/> consecutive lines from a random one by what <paramref name="edit"/> makes of each.</summary>
    private static void EditLines(List<byte> bytes, Random random, Func<string, string[]> edit, int count)
    {
        var lines = Encoding.UTF8.GetString([.. bytes]).Split('\n').ToList();
        var first = random.Next(lines.Count);
        var edited = lines.Skip(first).Take(count).SelectMany(edit).ToList();
        lines.RemoveRange(first, Math.Min(count, lines.Count - first));
        lines.InsertRange(first, edited);
        bytes.Clear();
        bytes.AddRange(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }

    /// <summary>Writes an input that failed to a file that outlives the test, for a technician to replay with config validate.</summary>
    private static string Keep(byte[] input, string what)
    {
        var path = Path.Combine(Path.GetTempPath(), $"loos-edge-fuzz-{what}-{Guid.NewGuid():N}.yaml");
        File.WriteAllBytes(path, input);
        return path;
    }

    [GeneratedRegex(@"^\d+(:\d+)?: ")]
    private static partial Regex LinePattern();

    private sealed class Progress
    {
        public long Count;

        public volatile byte[]? Current;
    }
}
