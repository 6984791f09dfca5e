using System.Text.Json;
using Loos.Edge.Buffer;
using Loos.Edge.Http;

namespace Loos.Edge.Verbs.Buffer;

/// <summary><c>loos-edge buffer status --data DIR [--json]</c>: what a buffer holds, read from disk, with or without a running gateway.</summary>
internal sealed class BufferStatusVerb : Verb
{
    private static readonly JsonSerializerOptions Indented = new(HealthJsonContext.Default.Options) { WriteIndented = true };

    private readonly Option<string> data = new("--data", "-d")
    {
        Description = "The buffer directory (buffer:directory in the site file), e.g. /var/lib/loos-edge/buffer.",
        Required = true,
    };

    private readonly Option<long> cap = TypedOptions.Number("--cap-bytes", 1, long.MaxValue, "a number of bytes");
    private readonly Option<bool> json = CommonOptions.Json();

    public BufferStatusVerb()
        : base("status", "What the buffer holds: unsent readings per target, bytes, evicted and damaged records. Works with or without a running gateway.")
    {
        cap.Description = "The disk cap of the site file, to show the fill level.";
        cap.DefaultValueFactory = _ => new BufferOptions().CapBytes;
        Add(data, cap, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        BufferHealth health;
        try
        {
            health = BufferHealth.Create(BufferInspector.Read(parse.GetRequiredValue(data), parse.GetValue(cap)));
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge buffer status: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(health, Indented) : Describe(health)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string Describe(BufferHealth health)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"unsent readings   {health.UnsentReadings:N0} ({health.UnsentBytes:N0} bytes)"),
            $"oldest unsent     {health.OldestUnsent?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}",
            string.Create(CultureInfo.InvariantCulture, $"on disk           {health.BytesOnDisk:N0} bytes in {health.Segments} segment(s), cap {health.CapBytes:N0}"),
            string.Create(CultureInfo.InvariantCulture, $"evicted readings  {health.EvictedReadings:N0}"),
            string.Create(CultureInfo.InvariantCulture, $"damaged regions   {health.DamagedRegions}"),
        };
        foreach (var consumer in health.Consumers)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"target {consumer.Name}: {consumer.UnsentReadings:N0} unsent, position {consumer.Position}"));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
