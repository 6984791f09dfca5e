using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Loos.Edge.Buffer;
using Loos.Edge.Http;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Buffer;

/// <summary>
/// <c>loos-edge buffer status --config FILE | --data DIR [--json]</c>: what a buffer holds, read from disk, with or without a
/// running gateway; the site file gives the folder and the cap.
/// </summary>
internal sealed class BufferStatusVerb : Verb
{
    private static readonly JsonSerializerOptions Indented = new(HealthJsonContext.Default.Options) { WriteIndented = true };

    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file: its buffer:directory and buffer:capBytes.");

    private readonly Option<string?> data = new("--data", "-d")
    {
        Description = "The buffer directory, without a site file (e.g. /var/lib/loos-edge/buffer).",
    };

    private readonly Option<long?> cap = TypedOptions.OptionalNumber("--cap-bytes", 1L, long.MaxValue, "a number of bytes");
    private readonly Option<bool> json = CommonOptions.Json();
    private readonly IVerbContext context;

    public BufferStatusVerb(IVerbContext context)
        : base("status", "What the buffer holds: unsent readings per target, bytes, evicted and damaged records. Works with or without a running gateway.")
    {
        this.context = context;
        cap.Description = "The disk cap, to show the fill level (default: the site file's, else 1 GiB).";
        Add(config, data, cap, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var buffer = new BufferOptions();
        if (parse.GetValue(config) is { } configPath)
        {
            if (await context.LoadSiteAsync(configPath, parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } site)
            {
                return ExitCodes.InvalidSiteFile;
            }

            buffer = site.Options<BufferOptions>();
        }

        var directory = parse.GetValue(data) ?? buffer.Directory;
        if (string.IsNullOrEmpty(directory))
        {
            return await BadArguments.ReportAsync(parse, "give --config FILE (the site file) or --data DIR (the buffer directory)").ConfigureAwait(false);
        }

        BufferHealth health;
        try
        {
            health = BufferHealth.Create(BufferInspector.Read(directory, parse.GetValue(cap) ?? buffer.CapBytes));
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"loos-edge buffer status: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(health, (JsonTypeInfo<BufferHealth>)Indented.GetTypeInfo(typeof(BufferHealth))) : Describe(health)).ConfigureAwait(false);
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
