using System.Text.Json;
using Loos.Edge.Mqtt.Output;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>
/// The gateway's override topic (<see cref="LightingOptions.OverrideTopic"/>, QoS 1): each message is a request as
/// <see cref="OverrideCommands"/> takes it, answered on the request's MQTT 5 response topic when it has one, else on
/// <c>&lt;topic&gt;/reply</c>, with the request's correlation data.
/// </summary>
internal sealed class OverrideTopic(IMqttChannel channel, OverrideCommands commands, string topic, ILogger<OverrideTopic> logger) : IHostedLifecycleService
{
    /// <summary>Where replies go when the request names no response topic.</summary>
    public string ReplyTopic => topic + "/reply";

    // The channel takes subscriptions only before it starts; every StartingAsync runs before any StartAsync.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        channel.Subscribe(topic, HandleAsync);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task HandleAsync(MqttRequest request, CancellationToken cancellationToken)
    {
        var result = commands.Handle(request.Payload.Span);
        var reply = JsonSerializer.SerializeToUtf8Bytes(result.Reply, OverrideJsonContext.Readable.OverrideReply);
        if (!await channel.ReplyAsync(request, ReplyTopic, reply, cancellationToken).ConfigureAwait(false))
        {
            OverrideLog.ReplyNotSent(logger, topic);
        }
    }
}
