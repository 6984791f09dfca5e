using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Loos.Edge.Buffer;
using Loos.Edge.Http;

namespace Loos.Edge.Verbs;

/// <summary><c>loos-edge buffer status --data DIR [--json]</c>: what a buffer holds, read from disk.</summary>
internal static class BufferVerb
{
    private static readonly JsonSerializerOptions Indented = new(HealthJsonContext.Default.Options) { WriteIndented = true };

    public static Command Create()
    {
        var data = new Option<string>("--data", "-d")
        {
            Description = "The buffer directory (buffer:directory in the site file), e.g. /var/lib/loos-edge/buffer.",
            Required = true,
        };
        var cap = new Option<long>("--cap-bytes")
        {
            Description = "The disk cap of the site file, to show the fill level.",
            DefaultValueFactory = _ => new BufferOptions().CapBytes,
        };
        var json = CommonOptions.Json();
        var status = new Command("status", "What the buffer holds: unsent readings per target, bytes, evicted and damaged records. Works with or without a running gateway.")
        {
            data, cap, json,
        };
        status.SetAction(parse =>
        {
            var directory = parse.GetRequiredValue(data);
            BufferHealth health;
            try
            {
                health = BufferHealth.Create(BufferInspector.Read(directory, parse.GetValue(cap)));
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"loos-edge buffer status: {exception.Message}");
                return ExitCodes.Failure;
            }

            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(health, Indented) : Describe(health));
            return ExitCodes.Success;
        });
        return new Command("buffer", "Durable buffer tools.") { status };
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
