using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Loos.Edge.Web.Crew;

/// <summary>Where a request of the crew stands: sent and unanswered, applied, or refused with the gateway's reason.</summary>
internal enum RequestState
{
    Pending,
    Applied,
    Refused,
}

/// <summary>One override request the crew sent to a gateway, and its answer once it came.</summary>
internal sealed record CrewRequest(string Id, string Gateway, string User, string Summary, DateTimeOffset SentAt, bool IsCancel)
{
    private readonly TaskCompletionSource answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RequestState State { get; private set; } = RequestState.Pending;

    /// <summary>The gateway's reason for a refusal, or why the request could not be sent.</summary>
    public string? Reason { get; private set; }

    /// <summary>The override's id on the gateway once an add is applied.</summary>
    public string? OverrideId { get; private set; }

    /// <summary>Completes when the request is applied or refused.</summary>
    public Task Answered => answered.Task;

    public void Apply(string? overrideId) => Settle(RequestState.Applied, null, overrideId);

    public void Refuse(string reason) => Settle(RequestState.Refused, reason, null);

    private void Settle(RequestState state, string? reason, string? overrideId)
    {
        State = state;
        Reason = reason;
        OverrideId = overrideId;
        answered.TrySetResult();
    }
}

/// <summary>
/// Sends the crew's override requests to the gateways over MQTT 5 (QoS 1) on
/// <c>loos-edge/&lt;gateway&gt;/lighting/override</c>, each with a response topic of this host's own and random
/// correlation data, and keeps each request with its answer (the last 200, in memory) for the page to show.
/// </summary>
internal sealed partial class CrewOverrides(WebOptions options, TimeProvider time, ILogger<CrewOverrides> logger) : IAsyncDisposable
{
    private const int KeptRequests = 200;

    private readonly ConcurrentDictionary<string, CrewRequest> requests = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim connecting = new(1, 1);
    private readonly string clientId = "loos-edge-web-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
    private IMqttClient? client;

    private string ResponseTopic => $"loos-edge-web/{clientId}/override-replies";

    /// <summary>The override topic of <paramref name="gateway"/> (its MQTT client id).</summary>
    public static string TopicOf(string gateway) => $"loos-edge/{gateway}/lighting/override";

    /// <summary>The requests sent, newest first.</summary>
    public IReadOnlyList<CrewRequest> Recent() => [.. requests.Values.OrderByDescending(r => r.SentAt)];

    /// <summary>
    /// Sends <paramref name="request"/> (the gateway's JSON request) to <paramref name="gateway"/>; the request is
    /// returned pending, or refused at once when no broker is configured or it cannot be reached.
    /// </summary>
    public async Task<CrewRequest> SendAsync(string gateway, string user, string summary, JsonObject request, CancellationToken cancellationToken)
    {
        var correlation = RandomNumberGenerator.GetBytes(16);
        var sent = new CrewRequest(Convert.ToHexString(correlation).ToLowerInvariant(), gateway, user, summary, time.GetUtcNow(), request["action"]?.GetValue<string>() == "cancel");
        Keep(sent);
        try
        {
            var connected = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(TopicOf(gateway))
                .WithPayload(Utf8(request))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic(ResponseTopic)
                .WithCorrelationData(correlation)
                .Build();
            var result = await connected.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                sent.Refuse($"le courtier MQTT a refusé la demande ({result.ReasonCode})");
            }
        }
        catch (Exception exception) when (exception is MqttCommunicationException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            sent.Refuse($"le courtier MQTT ne répond pas : {exception.Message}");
        }

        LogSent(logger, sent.Id, gateway, user, sent.State.ToString());
        return sent;
    }

    public async ValueTask DisposeAsync()
    {
        if (client is { } connected)
        {
            if (connected.IsConnected)
            {
                await connected.DisconnectAsync().ConfigureAwait(false);
            }

            connected.Dispose();
        }

        connecting.Dispose();
    }

    private void Keep(CrewRequest request)
    {
        requests[request.Id] = request;
        foreach (var old in requests.Values.OrderByDescending(r => r.SentAt).Skip(KeptRequests))
        {
            requests.TryRemove(old.Id, out _);
        }
    }

    private async Task<IMqttClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        var broker = options.Mqtt ?? throw new InvalidOperationException($"{WebOptions.SectionName}:mqtt names no broker");
        await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (client is { IsConnected: true } connected)
            {
                return connected;
            }

            client?.Dispose();
            client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += received =>
            {
                Answer(received.ApplicationMessage);
                return Task.CompletedTask;
            };
            var connect = new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithClientId(clientId)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .Build();
            await client.ConnectAsync(connect, cancellationToken).ConfigureAwait(false);
            await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ResponseTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken).ConfigureAwait(false);
            return client;
        }
        finally
        {
            connecting.Release();
        }
    }

    /// <summary>A gateway's reply: <c>{"applied":true,"override":{…}}</c> or <c>{"applied":false,"error":"…"}</c>.</summary>
    private void Answer(MqttApplicationMessage message)
    {
        if (message.CorrelationData is not { Length: > 0 } correlation
            || !requests.TryGetValue(Convert.ToHexString(correlation).ToLowerInvariant(), out var request))
        {
            return;
        }

        try
        {
            var reply = JsonNode.Parse(message.Payload.ToArray());
            if (reply?["applied"]?.GetValue<bool>() == true)
            {
                request.Apply(request.IsCancel ? null : reply["override"]?["id"]?.GetValue<string>());
            }
            else
            {
                request.Refuse(reply?["error"]?.GetValue<string>() ?? "refusée sans raison");
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            request.Refuse($"réponse illisible de la passerelle : {exception.Message}");
        }

        LogAnswered(logger, request.Id, request.Gateway, request.State.ToString(), request.Reason ?? "");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Crew: override request {Id} to {Gateway} by {User}: {State}")]
    private static partial void LogSent(ILogger logger, string id, string gateway, string user, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crew: override request {Id} to {Gateway}: {State} {Reason}")]
    private static partial void LogAnswered(ILogger logger, string id, string gateway, string state, string reason);

    // The node writes itself: no reflection-based serializer, which the release does not have.
    private static byte[] Utf8(JsonObject request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
