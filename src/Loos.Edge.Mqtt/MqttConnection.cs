using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace Loos.Edge.Mqtt;

/// <summary>
/// The source's session with the broker: connects (subscriptions and the retained <c>online</c> status with it),
/// reconnects after every loss with an exponential back-off with jitter (a Polly retry pipeline built from
/// <see cref="MqttOptions.Reconnect"/>), and on a clean stop says goodbye. Each connection has a generation number:
/// a message received on a lost connection can no longer be acknowledged, so whoever holds it checks the generation.
/// The source's session announces the gateway on the status topic; another session of the gateway (the output
/// channel) passes its own <paramref name="clientOptions"/> and announces nothing.
/// </summary>
internal sealed partial class MqttConnection(MqttOptions options, IMqttClient client, TimeProvider timeProvider, ILogger logger, Func<MqttClientOptions>? clientOptions = null)
{
    /// <summary>How long a clean stop may spend telling the broker it goes offline.</summary>
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock connectionGate = new();
    private TaskCompletionSource<MqttClientDisconnectedEventArgs> connectionLost = NewConnectionLost();
    private int generation;
    private volatile bool connected;
    private bool everConnected;
    private int failedAttempts;
    private string connectedAs = options.EffectiveClientId;

    /// <summary>Whether the gateway is connected to the broker now.</summary>
    public bool IsConnected => connected;

    /// <summary>Raised after each connection and reconnection, subscriptions made.</summary>
    public event Action? Connected;

    /// <summary>The number of the current connection; it changes when a connection is lost.</summary>
    public int Generation => Volatile.Read(ref generation);

    private bool AnnouncesStatus => clientOptions is null;

    private string Broker => $"{options.Host}:{options.EffectivePort}";

    /// <summary>Connects, and reconnects after every loss, until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task MaintainAsync(IReadOnlyList<string> filters, CancellationToken stoppingToken)
    {
        var pipeline = ReconnectPipeline(stoppingToken);
        DateTimeOffset? lostAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pipeline.ExecuteAsync(token => ConnectAsync(filters, token), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (lostAt is { } since)
            {
                LogReconnected(logger, Broker, timeProvider.GetUtcNow() - since, failedAttempts + 1);
            }
            else
            {
                LogConnected(logger, Broker, connectedAs, filters.Count);
            }

            everConnected = true;
            failedAttempts = 0;
            Connected?.Invoke();
            MqttClientDisconnectedEventArgs lost;
            try
            {
                lost = await connectionLost.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lostAt = timeProvider.GetUtcNow();
            LogConnectionLost(logger, Broker, lost.Reason, lost.ReasonString ?? lost.Exception?.Message ?? string.Empty);
        }
    }

    /// <summary>On a clean stop: the retained status goes <c>offline</c> (the will is only sent on a lost connection), then a normal disconnect that keeps the session.</summary>
    public async Task SayGoodbyeAsync()
    {
        connected = false;
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            if (AnnouncesStatus)
            {
                await client.PublishAsync(StatusMessage(MqttClientOptionsFactory.OfflinePayload), timeout.Token).ConfigureAwait(false);
            }

            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The broker sends the will instead.
            LogGoodbyeFailed(logger, Broker, exception.Message);
        }
    }

    private static TaskCompletionSource<MqttClientDisconnectedEventArgs> NewConnectionLost() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every failed attempt is tried again after an exponential back-off with jitter; only the stop ends the attempts.</summary>
    private ResiliencePipeline ReconnectPipeline(CancellationToken stoppingToken) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Reconnect.MinDelay,
                MaxDelay = options.Reconnect.MaxDelay,
                OnRetry = retry =>
                {
                    failedAttempts++;
                    var problem = retry.Outcome.Exception?.Message ?? "no answer";
                    if (failedAttempts == 1 && !everConnected)
                    {
                        LogCannotConnect(logger, Broker, problem, retry.RetryDelay);
                    }
                    else
                    {
                        LogConnectAttemptFailed(logger, Broker, problem, retry.RetryDelay);
                    }

                    return default;
                },
            })
            .Build();

    /// <summary>Takes the client's news of a lost connection: a new generation, and the reconnection begins.</summary>
    public Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs disconnected)
    {
        if (disconnected.ClientWasConnected)
        {
            lock (connectionGate)
            {
                // Messages of the lost connection can no longer be acknowledged; the broker sends them again.
                Interlocked.Increment(ref generation);
                connected = false;
                connectionLost.TrySetResult(disconnected);
            }
        }

        return Task.CompletedTask;
    }

    private async ValueTask ConnectAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        lock (connectionGate)
        {
            connectionLost = NewConnectionLost();
        }

        // Built at every attempt: the credentials file is read again, so a rotated password needs no restart.
        var connectOptions = clientOptions?.Invoke() ?? MqttClientOptionsFactory.ForSource(options, MqttSourceService.ReceiveMaximum);
        connectedAs = connectOptions.ClientId;
        var result = await client.ConnectAsync(connectOptions, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        try
        {
            await MqttSubscriptions.SubscribeAsync(client, filters, logger, cancellationToken).ConfigureAwait(false);
            if (AnnouncesStatus)
            {
                await client.PublishAsync(StatusMessage(MqttClientOptionsFactory.OnlinePayload), cancellationToken).ConfigureAwait(false);
            }

            connected = true;
        }
        catch
        {
            // A half-made connection (subscriptions or birth message failed) is dropped and the attempt retried.
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private MqttApplicationMessage StatusMessage(string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(options.EffectiveStatusTopic)
        .WithPayload(payload)
        .WithRetainFlag(true)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: connected to {Broker} as {ClientId}, {Filters} subscription(s)")]
    private static partial void LogConnected(ILogger logger, string broker, string clientId, int filters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: cannot connect to {Broker}: {Problem}; trying again in {Delay}, with growing delays")]
    private static partial void LogCannotConnect(ILogger logger, string broker, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: connection to {Broker} failed: {Problem}; next attempt in {Delay}")]
    private static partial void LogConnectAttemptFailed(ILogger logger, string broker, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: lost the connection to {Broker} ({Reason} {Detail}); reconnecting with back-off, unacknowledged messages stay with the broker")]
    private static partial void LogConnectionLost(ILogger logger, string broker, MqttClientDisconnectReason reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT: connected to {Broker} again after {Downtime} ({Attempts} attempt(s))")]
    private static partial void LogReconnected(ILogger logger, string broker, TimeSpan downtime, int attempts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT: could not say goodbye to {Broker} ({Problem}); the broker publishes the last will instead")]
    private static partial void LogGoodbyeFailed(ILogger logger, string broker, string problem);
}
