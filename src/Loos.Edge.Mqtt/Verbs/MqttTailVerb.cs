using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Mqtt;
using Loos.Edge.Mqtt.Mapping;
using MQTTnet;
using MQTTnet.Protocol;

namespace Loos.Edge.Verbs.Mqtt;

/// <summary>
/// <c>loos-edge mqtt tail --topic FILTER [--config FILE] [--host H --port P --tls --ca-file F --credentials-file F]
/// [--json] [--count N]</c>: prints the messages of a topic filter and what the site file's mapping makes of them.
/// </summary>
internal sealed class MqttTailVerb : Verb
{
    private const string Name = "loos-edge mqtt tail";

    /// <summary>The longest payload shown, in characters; the rest is cut with an ellipsis.</summary>
    private const int PreviewLength = 200;

    private readonly Option<string> topic = new("--topic", "-t") { Description = "The topic filter to watch, with + and # wildcards.", Required = true };
    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file: its broker, credentials and mapping are used.");
    private readonly Option<string?> host = new("--host") { Description = "The broker's host (default: the site file's)." };
    private readonly Option<int?> port = TypedOptions.OptionalNumber("--port", 1, 65535, "a TCP port (1-65535)", ["-p"]);
    private readonly Option<bool> tls = new("--tls") { Description = "Connect with TLS." };
    private readonly Option<string?> caFile = new("--ca-file") { Description = "PEM file of the CA the broker's certificate chains to (implies --tls)." };
    private readonly Option<string?> credentialsFile = new("--credentials-file") { Description = "File with the user name on line 1 and the password on line 2." };
    private readonly Option<int?> count = TypedOptions.OptionalNumber("--count", 1, int.MaxValue, "a count of at least 1", ["-n"]);
    private readonly Option<bool> json = CommonOptions.Json("Print one JSON object per message (JSON Lines) for scripts.");

    private readonly IVerbContext context;

    public MqttTailVerb(IVerbContext context)
        : base("tail", "Subscribe to a topic filter and print each message with the readings the site file's mapping makes of it.")
    {
        this.context = context;
        port.Description = "The broker's port (default: the site file's, else 1883, or 8883 with --tls).";
        count.Description = "Stop after this many messages.";
        Add(topic, config, host, port, tls, caFile, credentialsFile, count, json);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var options = new MqttOptions();
        MqttPayloadMapper? mapper = null;
        var catalog = new SeriesCatalog();
        if (parse.GetValue(config) is { } configPath)
        {
            if (await context.LoadSiteAsync(configPath, error).ConfigureAwait(false) is not { } site)
            {
                return ExitCodes.InvalidSiteFile;
            }

            options = site.Options<MqttOptions>();
            mapper = MqttPayloadMapper.Create(options.Subscriptions, options.PresetDirectory, catalog);
        }

        options.Host = parse.GetValue(host) ?? options.Host;
        options.Port = parse.GetValue(port) ?? options.Port;
        options.Tls.Enabled |= parse.GetValue(tls) || parse.GetValue(caFile) is not null;
        options.Tls.CaFile = parse.GetValue(caFile) is { } ca ? Path.GetFullPath(ca) : options.Tls.CaFile;
        options.CredentialsFile = parse.GetValue(credentialsFile) is { } credentials ? Path.GetFullPath(credentials) : options.CredentialsFile;
        if (!options.IsEnabled)
        {
            return await BadArguments.ReportAsync(parse, "no broker: give --host, or --config with a site file that has mqtt:host").ConfigureAwait(false);
        }

        var request = new TailRequest(parse.GetRequiredValue(topic), parse.GetValue(count), parse.GetValue(json));
        return await TailAsync(options, mapper, catalog, request, parse.InvocationConfiguration.Output, error, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> TailAsync(MqttOptions options, MqttPayloadMapper? mapper, ISeriesCatalog catalog, TailRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var broker = $"{options.Host}:{options.EffectivePort}";
        var messages = Channel.CreateUnbounded<(string Topic, byte[] Payload, DateTimeOffset ReceivedAt)>();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += received =>
        {
            messages.Writer.TryWrite((received.ApplicationMessage.Topic, received.ApplicationMessage.Payload.ToArray(), TimeProvider.System.GetUtcNow()));
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += disconnected =>
        {
            if (disconnected.ClientWasConnected)
            {
                messages.Writer.TryComplete(new IOException($"the broker closed the connection ({disconnected.Reason} {disconnected.ReasonString})".TrimEnd()));
            }

            return Task.CompletedTask;
        };

        try
        {
            var clientId = $"loos-edge-tail-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
            await client.ConnectAsync(MqttClientOptionsFactory.ForTail(options, clientId), cancellationToken).ConfigureAwait(false);
            var subscribed = await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(request.Filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken).ConfigureAwait(false);
            if (subscribed.Items.FirstOrDefault() is { ResultCode: > MqttClientSubscribeResultCode.GrantedQoS2 } refused)
            {
                await error.WriteLineAsync($"{Name}: {broker} refused the subscription to {request.Filter}: {refused.ResultCode}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"{Name}: cannot reach the broker {broker}: {Describe(exception)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (!request.Json)
        {
            await error.WriteLineAsync($"Watching {request.Filter} on {broker}{(mapper is null ? " (no site file: payloads only)" : string.Empty)}; Ctrl-C stops.").ConfigureAwait(false);
        }

        var seen = 0;
        var readings = new List<Reading>();
        try
        {
            while (request.Count is not { } limit || seen < limit)
            {
                var (topic, payload, receivedAt) = await messages.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                seen++;
                readings.Clear();
                string? problem = null;
                var mapped = mapper?.TryMap(topic, new ReadOnlySequence<byte>(payload), receivedAt, readings, out problem);
                var text = request.Json
                    ? ToJson(topic, payload, receivedAt, mapped, readings, problem, catalog)
                    : Describe(topic, payload, receivedAt, mapped, readings, problem, catalog);
                await output.WriteLineAsync(text).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (IOException exception)
        {
            await error.WriteLineAsync($"{Name}: {broker}: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string Describe(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += ": " + inner.Message;
        }

        return message;
    }

    private static string Describe(string topic, byte[] payload, DateTimeOffset receivedAt, bool? mapped, List<Reading> readings, string? problem, ISeriesCatalog catalog)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Timestamp(receivedAt)} {topic} ({payload.Length} bytes): {Preview(payload)}");
        if (mapped is false)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  not mapped: {problem}");
        }

        foreach (var reading in readings)
        {
            var key = catalog[reading.Series];
            var tags = string.Concat(key.Tags.ToArray().Select(tag => $",{tag.Key}={tag.Value}"));
            var unit = key.Unit.Length > 0 ? " " + key.Unit : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"\n  {key.Measurement}{tags} {key.Field}={reading.Value.ToString("R", CultureInfo.InvariantCulture)}{unit} at {Timestamp(reading.Timestamp)}");
            if (reading.Quality != Quality.Good)
            {
                text.Append(CultureInfo.InvariantCulture, $" ({reading.Quality.ToString().ToLowerInvariant()})");
            }
        }

        return text.ToString();
    }

    private static string ToJson(string topic, byte[] payload, DateTimeOffset receivedAt, bool? mapped, List<Reading> readings, string? problem, ISeriesCatalog catalog)
    {
        return JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("topic", topic);
            writer.WriteString("receivedAt", Timestamp(receivedAt));
            writer.WriteNumber("bytes", payload.Length);
            writer.WriteString("payload", Preview(payload));
            if (mapped is null)
            {
                writer.WriteNull("mapped");
            }
            else
            {
                writer.WriteBoolean("mapped", mapped.Value);
            }

            if (problem is null)
            {
                writer.WriteNull("problem");
            }
            else
            {
                writer.WriteString("problem", problem);
            }

            writer.WriteStartArray("readings");
            foreach (var reading in readings)
            {
                var key = catalog[reading.Series];
                writer.WriteStartObject();
                writer.WriteString("measurement", key.Measurement);
                writer.WriteStartObject("tags");
                foreach (var tag in key.Tags)
                {
                    writer.WriteString(tag.Key, tag.Value);
                }

                writer.WriteEndObject();
                writer.WriteString("field", key.Field);
                writer.WriteNumberOrNull("value", reading.Value);
                writer.WriteString("unit", key.Unit);
                writer.WriteString("kind", key.Kind.ToString().ToLowerInvariant());
                writer.WriteString("quality", reading.Quality.ToString().ToLowerInvariant());
                writer.WriteString("timestamp", Timestamp(reading.Timestamp));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static string Timestamp(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The payload as text (control characters escaped, cut after <see cref="PreviewLength"/> characters), or as hex when it is not UTF-8.</summary>
    private static string Preview(byte[] payload)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            var hex = Convert.ToHexString(payload.AsSpan(0, Math.Min(payload.Length, PreviewLength / 2)));
            return "hex:" + hex + (payload.Length > PreviewLength / 2 ? "…" : string.Empty);
        }

        var preview = new StringBuilder(Math.Min(text.Length, PreviewLength));
        foreach (var character in text.Take(PreviewLength))
        {
            preview.Append(char.IsControl(character) ? $"\\u{(int)character:x4}" : character);
        }

        return text.Length > PreviewLength ? preview.Append('…').ToString() : preview.ToString();
    }

    private sealed record TailRequest(string Filter, int? Count, bool Json);
}
